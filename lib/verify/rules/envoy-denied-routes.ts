import { routeFrom } from '../path-evaluator';
import { routeAllowed } from '../intent';
import { Finding, resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'envoy-denied-routes';

/**
 * No Envoy forwards a connection the allow-list does not allow: names outside it (or
 * allowed only on another port), and connections without SNI, are closed at the first
 * Envoy on every port its Services expose.
 */
export const envoyDeniedRoutes: Rule = {
  id: ID,
  layer: 'envoy',
  description: 'No Envoy forwards a connection for a name (or port) outside the allow-list, nor one without SNI, on any port its Services expose.',
  evaluate(ctx: CheckContext) {
    const out: Finding[] = [];
    for (const lw of levelsOf(ctx)) {
      for (const c of lw.envoy) {
        for (const service of c.services) {
          for (const sp of service.ports.filter((p) => p.protocol === 'TCP')) {
            const names: Array<{ name: string | undefined; label: string }> = [
              ...ctx.probes.filter((p) => !routeAllowed(ctx.intent, p.name, sp.port)).map((p) => ({ name: p.name as string | undefined, label: p.kind })),
              { name: undefined, label: 'no SNI' },
            ];
            for (const n of names) {
              const route = routeFrom(ctx.world, lw.level.name, service, n.name, sp.port);
              if (route.hops.length === 0) continue;
              const hop = route.hops[0];
              out.push(
                finding(
                  ID,
                  'envoy',
                  lw.level.name,
                  `${n.name === undefined ? 'a connection without SNI' : `name outside the allow-list on this port (${n.label})`} is forwarded by chain ${hop.chain} to ${hop.next}`,
                  {
                    name: n.name ?? '(no SNI)',
                    port: sp.port,
                    source: hop.source,
                  },
                ),
              );
            }
          }
        }
      }
    }
    return resultOf(out);
  },
};
