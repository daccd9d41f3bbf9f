import { podDns, routeFrom } from '../path-evaluator';
import { Finding, resultOf } from '../types';
import { mainEnvoy } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';
import { portsForName } from '../intent';

const ID = 'envoy-allowed-routes';

/**
 * From every level, a TLS connection to each allowed name on each of its ports goes
 * through the level's Envoy, each parent's Envoy (at its planned load balancer IP,
 * through NSGs and peering that allow the hop) and leaves the top level to that very
 * host and port.
 */
export const envoyAllowedRoutes: Rule = {
  id: ID,
  layer: 'envoy',
  description:
    'From every level, every allowed name on each of its ports is routed through every Envoy above it and leaves the top level to that host and port, with every NSG and peering on the way allowing the hop.',
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    for (const lw of levelsOf(ctx)) {
      const envoy = mainEnvoy(lw);
      const lb = envoy?.services.find((s) => s.type === 'LoadBalancer') ?? envoy?.services[0];
      for (const probe of ctx.probes.filter((p) => p.allowed)) {
        const ports = portsForName(ctx.intent, probe.name);
        const dns = podDns(ctx.world, lw.level.name, probe.name);
        const service = dns.kind === 'proxy' ? dns.service : lb;
        if (!service) {
          out.push(finding(ID, 'envoy', lw.level.name, 'no Envoy Service to send the connection to', { name: probe.name }));
          continue;
        }
        for (const port of ports) {
          const route = routeFrom(ctx.world, lw.level.name, service, probe.name, port);
          if (route.reachesInternet) continue;
          const s = route.stop!;
          out.push(
            finding(ID, s.layer, s.level, `allowed name does not get through (from ${lw.level.name}): ${s.message}`, {
              name: probe.name,
              port,
              source: s.source,
            }),
          );
        }
      }
    }
    return resultOf(out);
  },
};
