import { CorednsCustom, RewriteRule } from '../parse/coredns';

/**
 * CoreDNS `rewrite name` as its README and source define it: the query name is
 * lowercased and fully qualified; rules run in declaration order (keys in file-name
 * order, then lines); the first matching `stop` rule ends the chain, `continue` rules
 * rewrite and go on. `exact` compares whole names; `suffix`/`prefix`/`substring` are raw
 * string tests (`suffix b.com.` also matches `evilb.com.`); `regex` is an unanchored
 * search (Go `FindStringSubmatch`), so an unanchored pattern also matches search-path
 * names like `a.b.com.ns.svc.cluster.local.`.
 */

export interface CorednsOutcome {
  /** The name the rest of the plugin chain (kubernetes, forward) resolves, fully qualified. */
  readonly name: string;
  /** Rules that rewrote the name, in order. */
  readonly applied: readonly RewriteRule[];
}

const fqdn = (n: string) => (n.endsWith('.') ? n : `${n}.`);

function apply(rule: RewriteRule, name: string): string | undefined {
  switch (rule.match) {
    case 'exact':
      return fqdn(rule.from.toLowerCase()) === name ? fqdn(rule.to.toLowerCase()) : undefined;
    case 'suffix': {
      const from = fqdn(rule.from.toLowerCase());
      return name.endsWith(from) ? fqdn(name.slice(0, name.length - from.length) + rule.to.toLowerCase()) : undefined;
    }
    case 'prefix': {
      const from = rule.from.toLowerCase();
      return name.startsWith(from) ? fqdn(rule.to.toLowerCase() + name.slice(from.length)) : undefined;
    }
    case 'substring': {
      const from = rule.from.toLowerCase();
      return name.includes(from) ? fqdn(name.replace(from, rule.to.toLowerCase())) : undefined;
    }
    case 'regex': {
      const m = rule.regex?.exec(name);
      if (!m) return undefined;
      return fqdn(rule.to.replace(/\{(\d+)\}/g, (_, g: string) => m[Number(g)] ?? '').toLowerCase());
    }
  }
}

/** The name CoreDNS resolves after the rewrite rules, for a query of `rawName`. */
export function resolveCoredns(config: CorednsCustom, rawName: string): CorednsOutcome {
  let name = fqdn(rawName.toLowerCase());
  const applied: RewriteRule[] = [];
  for (const rule of config.rules) {
    const next = apply(rule, name);
    if (next === undefined) continue;
    applied.push(rule);
    name = next;
    if (rule.mode === 'stop') break;
  }
  return { name, applied };
}

/** Parses a cluster Service name `<svc>.<ns>.svc.<domain>.`; undefined for other names. */
export function serviceOfName(name: string, clusterDomain = 'cluster.local'): { service: string; namespace: string } | undefined {
  const m = new RegExp(`^([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.${clusterDomain.replace(/\./g, '\\.')}\\.$`).exec(name);
  return m ? { service: m[1], namespace: m[2] } : undefined;
}
