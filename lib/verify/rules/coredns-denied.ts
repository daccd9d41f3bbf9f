import { podDns } from '../path-evaluator';
import { searchPathProbes } from '../probes';
import { resultOf } from '../types';
import { mainEnvoy } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'coredns-denied';

/**
 * No name outside the allow-list is rewritten: not a wildcard's apex, a look-alike, a
 * subdomain of an exact name, a name with a foreign suffix, an unlisted name, nor a
 * search-path expansion (`a.b.com.<ns>.svc.cluster.local`, what an unanchored regex hits).
 */
export const corednsDenied: Rule = {
  id: ID,
  layer: 'coredns',
  description:
    'At every level, CoreDNS rewrites no name outside the allow-list (apexes, look-alikes, subdomains of exact names, foreign suffixes, search-path names).',
  evaluate(ctx: CheckContext) {
    const out = [];
    for (const lw of levelsOf(ctx)) {
      if (!lw.coredns) continue;
      const ns = mainEnvoy(lw)?.configMap.namespace ?? 'default';
      const probes = [...ctx.probes.filter((p) => !p.allowed), ...searchPathProbes(ctx.intent, ns), ...searchPathProbes(ctx.intent, 'default')];
      const seen = new Set<string>();
      for (const probe of probes) {
        if (seen.has(probe.name)) continue;
        seen.add(probe.name);
        const dns = podDns(ctx.world, lw.level.name, probe.name);
        if (dns.kind !== 'proxy' && dns.kind !== 'rewritten') continue;
        out.push(
          finding(
            ID,
            'coredns',
            lw.level.name,
            `name outside the allow-list (${probe.kind}${probe.from ? ` of ${probe.from}` : ''}) is rewritten${dns.kind === 'proxy' ? ' to the Envoy Service' : ` (${dns.why})`}`,
            {
              name: probe.name,
              source: dns.source,
            },
          ),
        );
      }
    }
    return resultOf(out);
  },
};
