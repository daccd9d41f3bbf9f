import { resultOf } from '../types';
import { nsgsOf, outboundNsgDecisions } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'nsg-lower-internet';

/** Only the top level reaches the internet: below it, the node subnet's NSG denies outbound traffic to the Internet (service tags excepted). */
export const nsgLowerInternet: Rule = {
  id: ID,
  layer: 'nsg',
  description: "Below the top level, the node subnet's NSGs deny traffic to the Internet (only named service tags may be allowed).",
  evaluate(ctx: CheckContext) {
    const out = [];
    let any = false;
    for (const lw of levelsOf(ctx)) {
      if (!lw.level.parent || !lw.nodeSubnet) continue;
      any = true;
      const nsgs = nsgsOf(ctx.world, lw.nodeSubnet);
      if (nsgs.length === 0) {
        out.push(
          finding(ID, 'nsg', lw.level.name, 'the node subnet has no NSG: nodes reach the internet directly, past every proxy', {
            source: lw.nodeSubnet.source,
          }),
        );
        continue;
      }
      for (const [protocol, port] of [
        ['Tcp', 443],
        ['Tcp', 80],
        ['Udp', 53],
        ['Tcp', 8084],
      ] as const) {
        const decisions = outboundNsgDecisions(ctx.world, lw, { protocol, port, destination: { kind: 'internet', tags: [] } });
        if (decisions.every((x) => x.d.access === 'Allow')) {
          const x = decisions[0];
          out.push(
            finding(
              ID,
              'nsg',
              lw.level.name,
              `nodes can reach the internet directly on ${protocol} ${port} (NSG ${x.nsg.name ?? x.nsg.key} rule ${x.d.rule.name} priority ${x.d.rule.priority})`,
              { port, source: x.d.rule.source ?? x.nsg.source },
            ),
          );
        }
      }
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'single level' };
  },
};
