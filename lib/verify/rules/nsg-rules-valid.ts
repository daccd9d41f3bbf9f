import { NSG_LIMITS } from '../../model/azure-facts';
import { resultOf } from '../types';
import { CheckContext, finding, Rule } from './rule';

const ID = 'nsg-rules-valid';

/** NSG rules are ones Azure accepts: priorities 100-4096 and unique per direction, names up to 80 characters, known protocols. */
export const nsgRulesValid: Rule = {
  id: ID,
  layer: 'nsg',
  description: `Every NSG rule has a priority from ${NSG_LIMITS.minPriority} to ${NSG_LIMITS.maxPriority}, unique per NSG and direction, a name of at most ${NSG_LIMITS.maxNameLength} characters and a known protocol.`,
  evaluate(ctx: CheckContext) {
    const out = [];
    for (const nsg of ctx.world.network.nsgs) {
      const level = nsg.stack;
      for (const p of nsg.problems) out.push(finding(ID, 'nsg', level, p, { source: nsg.source }));
      const seen = new Map<string, string>();
      for (const r of nsg.rules) {
        const at = r.source ?? nsg.source;
        if (!Number.isInteger(r.priority) || r.priority < NSG_LIMITS.minPriority || r.priority > NSG_LIMITS.maxPriority)
          out.push(
            finding(ID, 'nsg', level, `rule ${r.name} has priority ${r.priority}; Azure accepts ${NSG_LIMITS.minPriority}-${NSG_LIMITS.maxPriority}`, {
              source: at,
            }),
          );
        const key = `${r.direction}/${r.priority}`;
        if (seen.has(key))
          out.push(
            finding(ID, 'nsg', level, `rules ${seen.get(key)} and ${r.name} share ${r.direction} priority ${r.priority}: Azure rejects the NSG`, {
              source: at,
            }),
          );
        else seen.set(key, r.name);
        if (r.name.length > NSG_LIMITS.maxNameLength)
          out.push(finding(ID, 'nsg', level, `rule name is ${r.name.length} characters; Azure accepts ${NSG_LIMITS.maxNameLength}`, { source: at }));
        if (!/^(\*|tcp|udp|icmp|esp|ah)$/i.test(r.protocol)) out.push(finding(ID, 'nsg', level, `rule ${r.name} has protocol '${r.protocol}'`, { source: at }));
      }
    }
    return ctx.world.network.nsgs.length === 0 ? { status: 'not-applicable', reason: 'no NSG in the Terraform output' } : resultOf(out);
  },
};
