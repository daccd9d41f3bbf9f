import { podDns } from '../path-evaluator';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'coredns-allowed';

/** Every allowed name (and a one- and two-label subdomain of every wildcard) is rewritten by CoreDNS to the level's own Envoy Service. */
export const corednsAllowed: Rule = {
  id: ID,
  layer: 'coredns',
  description: "At every level, CoreDNS rewrites every allowed name to the level's own Envoy Service.",
  evaluate(ctx: CheckContext) {
    const out = [];
    for (const lw of levelsOf(ctx)) {
      if (!lw.coredns) continue; // reported by artifacts-present
      for (const probe of ctx.probes.filter((p) => p.allowed)) {
        const dns = podDns(ctx.world, lw.level.name, probe.name);
        if (dns.kind === 'proxy') continue;
        const source = dns.kind === 'rewritten' ? dns.source : { file: lw.coredns.configMap.file, object: 'ConfigMap kube-system/coredns-custom' };
        const message =
          dns.kind === 'rewritten' ? `allowed name ${dns.why}` : 'allowed name is not rewritten to the local Envoy Service: pods resolve it past the proxy';
        out.push(finding(ID, 'coredns', lw.level.name, message, { name: probe.name, source }));
      }
    }
    return resultOf(out);
  },
};
