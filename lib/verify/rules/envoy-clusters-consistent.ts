import { isDeepStrictEqual } from 'node:util';
import { chainLabel } from '../engines/envoy';
import { describeData } from '../parse/kube';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'envoy-clusters-consistent';

/**
 * Clusters are what the chains think they are: every `tcp_proxy` names a defined
 * cluster; `load_assignment.cluster_name` equals the cluster's name (a copy-paste
 * defect seen in published configs); a dynamic forward proxy chain and its cluster
 * carry an identical `dns_cache_config`.
 */
export const envoyClustersConsistent: Rule = {
  id: ID,
  layer: 'envoy',
  description:
    "Every tcp_proxy names a defined cluster, load_assignment.cluster_name matches, and a dynamic forward proxy's filter and cluster share one dns_cache_config.",
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      for (const c of lw.envoy) {
        if (!c.config) continue;
        any = true;
        const at = (extra: string) =>
          describeData(c.configMap, 'envoy.yaml', `key envoy.yaml, ${extra}`, { needle: /^(?:listener|cluster) ([^,]+)/.exec(extra)?.[1] ?? extra });
        const clusters = new Map(c.config.clusters.map((cl) => [cl.name, cl]));
        for (const cl of c.config.clusters) {
          if (cl.loadAssignmentName !== undefined && cl.loadAssignmentName !== cl.name) {
            out.push(
              finding(ID, 'envoy', lw.level.name, `cluster ${cl.name} has load_assignment.cluster_name '${cl.loadAssignmentName}'`, {
                source: at(`cluster ${cl.name}`),
              }),
            );
          }
        }
        for (const l of c.config.listeners) {
          for (const ch of [...l.chains, ...(l.defaultChain ? [l.defaultChain] : [])]) {
            if (ch.terminal.kind !== 'tcp_proxy') continue;
            const names = [ch.terminal.cluster, ...ch.terminal.weightedClusters].filter((n): n is string => n !== undefined);
            for (const n of names) {
              const cl = clusters.get(n);
              const where = at(`listener ${l.name}, chain ${chainLabel(ch)}`);
              if (!cl) {
                out.push(finding(ID, 'envoy', lw.level.name, `tcp_proxy names cluster '${n}', which is not defined`, { source: where }));
                continue;
              }
              if (cl.kind === 'DYNAMIC_FORWARD_PROXY' && ch.sniDfp && !isDeepStrictEqual(ch.sniDfp.dnsCache, cl.dnsCache)) {
                out.push(
                  finding(ID, 'envoy', lw.level.name, `sni_dynamic_forward_proxy and cluster ${n} have different dns_cache_config: Envoy refuses the pair`, {
                    source: where,
                  }),
                );
              }
            }
          }
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no Envoy config' };
  },
};
