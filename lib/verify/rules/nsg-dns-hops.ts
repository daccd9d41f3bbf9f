import { nsgStep } from '../path-evaluator';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'nsg-dns-hops';

/** Nodes of each lower level reach their parent's DNS IP on UDP and TCP 53 (NSGs both ways, peering). */
export const nsgDnsHops: Rule = {
  id: ID,
  layer: 'nsg',
  description: "Each lower level's nodes reach the parent's dnsmasq IP on UDP and TCP 53 through peering and every NSG on the way.",
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      const parent = lw.level.parent ? ctx.world.levels.get(lw.level.parent) : undefined;
      if (!parent || !lw.vnet || !parent.vnet) continue;
      any = true;
      for (const protocol of ['Udp', 'Tcp'] as const) {
        const step = nsgStep(ctx.world, lw.level.name, { level: parent.level.name, ip: parent.level.dnsIp }, 53, protocol);
        if (!step.ok)
          out.push(
            finding(ID, step.stop!.layer, step.stop!.level, `DNS (${protocol} 53) from ${lw.level.name} to ${parent.level.dnsIp}: ${step.stop!.message}`, {
              port: 53,
              source: step.stop!.source,
            }),
          );
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'single level' };
  },
};
