import { describe, podSpec } from '../parse/kube';
import { resultOf } from '../types';
import { mainEnvoy } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'envoy-upstream-dns';

/**
 * The top level's Envoy does not resolve upstream names through the CoreDNS that
 * rewrites them to itself: `dnsPolicy: Default` (or host network without
 * ClusterFirstWithHostNet), `dnsPolicy: None` with explicit resolvers, or Envoy's own
 * resolver on every DNS cluster and DNS cache.
 */
export const envoyUpstreamDns: Rule = {
  id: ID,
  layer: 'envoy',
  description: "The top level's Envoy resolves upstream names without the rewriting CoreDNS (dnsPolicy Default/None, or its own resolver).",
  evaluate(ctx: CheckContext) {
    const top = levelsOf(ctx)[0];
    const envoy = top ? mainEnvoy(top) : undefined;
    if (!top || !envoy?.config) return { status: 'not-applicable', reason: 'no top-level Envoy config' };
    const dnsClusters = envoy.config.clusters.filter((c) => c.kind === 'LOGICAL_DNS' || c.kind === 'STRICT_DNS' || c.kind === 'DYNAMIC_FORWARD_PROXY');
    if (dnsClusters.length === 0) return { status: 'not-applicable', reason: 'the top Envoy resolves no names' };
    const own = (c: (typeof dnsClusters)[number]) => (c.kind === 'DYNAMIC_FORWARD_PROXY' ? hasResolver(c.dnsCache) : c.ownResolver);
    if (dnsClusters.every(own)) return { status: 'compliant' };
    const out = [];
    for (const w of envoy.workloads) {
      const spec = podSpec(w) ?? {};
      const policy = spec.dnsPolicy ?? 'ClusterFirst';
      const ok =
        policy === 'Default' ||
        (policy === 'ClusterFirst' && spec.hostNetwork === true) ||
        (policy === 'None' && (spec.dnsConfig?.nameservers ?? []).length > 0);
      if (!ok) {
        out.push(
          finding(
            ID,
            'envoy',
            top.level.name,
            `Envoy resolves upstream names through the cluster DNS (dnsPolicy ${policy}${spec.hostNetwork ? ' with host network' : ''}), which rewrites allowed names to Envoy itself: a loop`,
            {
              source: describe(w, 'spec.template.spec.dnsPolicy'),
            },
          ),
        );
      }
    }
    if (envoy.workloads.length === 0) return { status: 'not-applicable', reason: 'no workload mounts the Envoy config' };
    return resultOf(out);
  },
};

function hasResolver(dnsCache: unknown): boolean {
  const c = dnsCache as Record<string, unknown> | undefined;
  return !!c && (c.typed_dns_resolver_config !== undefined || c.dns_resolvers !== undefined);
}
