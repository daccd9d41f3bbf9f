import { NameSet, namesOf } from './accepts';
import { Intent, nameAllowed } from './intent';

/**
 * The names the checker asks every engine about. For each entry: the name itself (or a
 * one- and a two-label subdomain of a wildcard), and the names that must NOT resolve or
 * route: a wildcard's apex, a look-alike that only shares the string suffix, a
 * subdomain of an exact name, the name with a foreign suffix appended (what an
 * unanchored regex matches), and one unlisted name.
 */

export type ProbeKind =
  | 'artifact'
  | 'forward-zone'
  | 'exact'
  | 'wildcard-one-label'
  | 'wildcard-two-labels'
  | 'wildcard-apex'
  | 'look-alike'
  | 'exact-subdomain'
  | 'foreign-suffix'
  | 'unlisted'
  | 'search-path';

export interface Probe {
  readonly name: string;
  readonly kind: ProbeKind;
  /** The entry the probe was derived from. */
  readonly from?: string;
  /** Whether the allow-list means this name to resolve to the proxy. */
  readonly allowed: boolean;
}

/** A label no real allow-list contains. */
export const PROBE_LABEL = 'le-probe';
export const UNLISTED_NAME = 'unlisted.le-probe.net';
export const FOREIGN_SUFFIX = 'le-probe-evil.net';

/** Probes for the allow-list, deduplicated by name, in a stable order. */
export function probesFor(intent: Intent): Probe[] {
  const out = new Map<string, Probe>();
  const add = (name: string, kind: ProbeKind, from?: string) => {
    if (!out.has(name)) out.set(name, { name, kind, from, allowed: nameAllowed(intent, name) });
  };
  for (const e of intent.entries) {
    if (e.kind === 'exact') {
      add(e.domain, 'exact', e.pattern);
      add(`${PROBE_LABEL}.${e.domain}`, 'exact-subdomain', e.pattern);
    } else {
      add(`${PROBE_LABEL}.${e.domain}`, 'wildcard-one-label', e.pattern);
      add(`${PROBE_LABEL}.deep.${e.domain}`, 'wildcard-two-labels', e.pattern);
      add(e.domain, 'wildcard-apex', e.pattern);
      add(`lookalike${e.domain}`, 'look-alike', e.pattern);
    }
    add(`${e.domain}.${FOREIGN_SUFFIX}`, 'foreign-suffix', e.pattern);
  }
  add(UNLISTED_NAME, 'unlisted');
  return [...out.values()];
}

/**
 * Names a pod's resolver tries first for `name` through its search path (ndots:5):
 * `<name>.<ns>.svc.cluster.local` and friends. They are never on the allow-list, so a
 * CoreDNS rule that rewrites them matches more than it should.
 */
export function searchPathProbes(intent: Intent, namespace: string): Probe[] {
  const bases = intent.entries.map((e) => (e.kind === 'exact' ? e.domain : `${PROBE_LABEL}.${e.domain}`));
  return bases.flatMap((b) =>
    [`${b}.${namespace}.svc.cluster.local`, `${b}.svc.cluster.local`].map((name) => ({
      name,
      kind: 'search-path' as const,
      from: b,
      allowed: nameAllowed(intent, name),
    })),
  );
}

/**
 * Probes built from the artifacts' own names (every server name, rewrite and dnsmasq
 * literal, with their apexes, subdomains and look-alikes) and from the zones strict
 * mode forwards: whatever an artifact accepts is asked about, listed or not.
 */
export function artifactProbes(intent: Intent, sets: ReadonlyArray<{ readonly names: NameSet; readonly from: string }>, known: ReadonlySet<string>): Probe[] {
  const out = new Map<string, Probe>();
  const add = (name: string, kind: ProbeKind, from: string) => {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(name) || name.length > 253 || known.has(name) || out.has(name)) return;
    out.set(name, { name, kind, from, allowed: nameAllowed(intent, name) });
  };
  for (const s of sets) for (const n of namesOf(s.names)) add(n, 'artifact', s.from);
  for (const z of intent.dns?.forwardZones ?? []) for (const n of [z, `${PROBE_LABEL}.${z}`]) add(n, 'forward-zone', z);
  return [...out.values()];
}
