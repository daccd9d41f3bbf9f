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

/**
 * The first matching rule is what decides when every rule stops; exact rules and the
 * `^(?:[^.]+\.)+b\.com\.$` wildcard shape are looked up by name instead of tried one
 * by one (allow-lists of thousands of entries), the other rules are tried in order.
 */
interface RuleIndex {
  readonly allStop: boolean;
  readonly exact: ReadonlyMap<string, number>;
  readonly below: ReadonlyMap<string, number>;
  readonly others: readonly number[];
}

const WILDCARD_SHAPE = /^\^\(\?:\[\^\.\]\+\\\.\)\+((?:[a-z0-9-]|\\[.-])+)\\\.\$$/;
const indexMemo = new WeakMap<CorednsCustom, RuleIndex>();

function ruleIndex(config: CorednsCustom): RuleIndex {
  let index = indexMemo.get(config);
  if (index) return index;
  const exact = new Map<string, number>();
  const below = new Map<string, number>();
  const others: number[] = [];
  config.rules.forEach((rule, i) => {
    const shape = rule.match === 'regex' && rule.regex && rule.regex.flags === '' ? WILDCARD_SHAPE.exec(rule.from) : null;
    if (rule.match === 'exact') {
      const key = fqdn(rule.from.toLowerCase());
      if (!exact.has(key)) exact.set(key, i);
    } else if (shape) {
      const key = `${shape[1].replace(/\\([.-])/g, '$1')}.`;
      if (!below.has(key)) below.set(key, i);
    } else others.push(i);
  });
  index = { allStop: config.rules.every((r) => r.mode === 'stop'), exact, below, others };
  indexMemo.set(config, index);
  return index;
}

/** The name CoreDNS resolves after the rewrite rules, for a query of `rawName`. */
export function resolveCoredns(config: CorednsCustom, rawName: string): CorednsOutcome {
  const name = fqdn(rawName.toLowerCase());
  const index = ruleIndex(config);
  if (index.allStop) {
    let best = index.exact.get(name) ?? Infinity;
    // the wildcard shape needs at least one whole label before the suffix
    for (let dot = name.indexOf('.'); dot !== -1 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
      if (dot === 0) continue;
      const hit = index.below.get(name.slice(dot + 1));
      if (hit !== undefined && hit < best) best = hit;
    }
    for (const i of index.others) {
      if (i >= best) break;
      if (apply(config.rules[i], name) !== undefined) {
        best = i;
        break;
      }
    }
    if (best === Infinity) return { name, applied: [] };
    const rule = config.rules[best];
    return { name: apply(rule, name)!, applied: [rule] };
  }
  return resolveCorednsInOrder(config, rawName);
}

/** The same answer, trying every rule in declaration order (the definition the index must agree with). */
export function resolveCorednsInOrder(config: CorednsCustom, rawName: string): CorednsOutcome {
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
