/**
 * The AKS `coredns-custom` `.override` snippet of one level: every allowed name is
 * rewritten to the Envoy Service's cluster name, so the kubernetes plugin answers every
 * query type with the current ClusterIP (no IP baked in, no AAAA/HTTPS leak). Follows
 * docs/semantics.md, "How each engine is configured" and "CoreDNS":
 *
 * - exact `a.b.com`:   `rewrite name exact a.b.com <svc>.<ns>.svc.cluster.local`
 * - wildcard `*.b.com`: `rewrite name regex ^(?:[^.]+\.)+b\.com\.$ <svc>.<ns>.svc.cluster.local. answer auto`
 *
 * Regexes are anchored at both ends and dots escaped, so search-path names
 * (`x.b.com.ns.svc.cluster.local`) and look-alikes (`evilb.com`, `b.com.evil.org`) never
 * match. Only built-in plugins; nothing that defines a server block.
 */
import { byText } from '../model/compare';
import type { AllowEntry } from '../model/allow-entries';

/** Data key of the snippet inside `coredns-custom` (imported into the default `.:53` block). */
export const COREDNS_OVERRIDE_KEY = 'layered-egress.override';

/** Everything the CoreDNS snippet depends on: plain data. */
export interface CorednsOverrideInput {
  /** Allow-list entries (any order). */
  readonly entries: readonly Pick<AllowEntry, 'pattern' | 'kind' | 'domain'>[];
  /** Name of the Envoy Service. */
  readonly service: string;
  /** Namespace of the Envoy Service. */
  readonly namespace: string;
  /** Cluster domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** Escapes every regex metacharacter (patterns only hold [a-z0-9.-], but never trust that here). */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The anchored regex matching every name below `suffix` (any depth), in FQDN form, not the apex. */
export const wildcardRegex = (suffix: string): string => `^(?:[^.]+\\.)+${escapeRegex(suffix)}\\.$`;

/** Renders the `.override` snippet: exact rules first, then wildcard rules, each sorted. */
export function renderCorednsOverride(input: CorednsOverrideInput): string {
  const target = `${input.service}.${input.namespace}.svc.${input.clusterDomain ?? 'cluster.local'}`;
  const sorted = [...input.entries].sort((a, b) => byText(a.pattern, b.pattern));
  const lines = [
    ...sorted.filter((e) => e.kind === 'exact').map((e) => `rewrite name exact ${e.domain} ${target}`),
    ...sorted.filter((e) => e.kind === 'wildcard').map((e) => `rewrite name regex ${wildcardRegex(e.domain)} ${target}. answer auto`),
  ];
  return `${lines.join('\n')}\n`;
}
