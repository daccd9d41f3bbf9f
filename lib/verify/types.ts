/**
 * Shared vocabulary of the verifier: where a fact came from, what a rule found, and
 * what a rule returns (cdk-nag style: compliant, non-compliant with findings, or not
 * applicable).
 */

/** The part of the system a finding is about. */
export type Layer =
  'artifacts' | 'coredns' | 'dnsmasq' | 'envoy' | 'service' | 'vnet-dns' | 'nsg' | 'peering' | 'images' | 'firewall' | 'route' | 'private-dns';

/** Where a fact lives: the file and the object inside it. */
export interface Source {
  /** Path as given on the command line plus the file inside it, e.g. `manifests/l3/envoy.yaml`. */
  readonly file: string;
  /** The object, e.g. `ConfigMap egress/envoy-config key envoy.yaml, listener egress-443, chain 0`. */
  readonly object: string;
  /** 1-based line in `file` a reviewer jumps to (for manifests: the line inside the YAML file, not inside the embedded config). */
  readonly line?: number;
}

/** One violation (or warning). */
export interface Finding {
  /** Id of the rule that found it. */
  readonly rule: string;
  /** An error fails the check; a warning does not. */
  readonly severity: 'error' | 'warning';
  /** The level where it was found. */
  readonly level: string;
  /** The engine or layer concerned. */
  readonly layer: Layer;
  /** The host name (or probe) concerned, when there is one. */
  readonly name?: string;
  /** The port concerned, when there is one. */
  readonly port?: number;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** File and object responsible; undefined when the object is missing altogether. */
  readonly source?: Source;
  /** The config's `purpose` of the entries that allow `name`, joined with '; ' (only for listed names). */
  readonly purpose?: string;
}

/** What a rule returns. */
export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'non-compliant'; readonly findings: readonly Finding[] }
  | { readonly status: 'not-applicable'; readonly reason: string };

export const COMPLIANT: RuleResult = { status: 'compliant' };

/** Turns a list of findings into a result. */
export function resultOf(findings: readonly Finding[]): RuleResult {
  return findings.length === 0 ? COMPLIANT : { status: 'non-compliant', findings };
}

/** Formats a source for messages. */
export function formatSource(source: Source | undefined): string {
  return source ? `${source.file}${source.line ? `:${source.line}` : ''} (${source.object})` : '(missing)';
}
