import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'peering-adjacent';

/** Each level is peered with its parent in both directions, and no peering skips a level (which would bypass a proxy). */
export const peeringAdjacent: Rule = {
  id: ID,
  layer: 'peering',
  description: 'Each level is peered with its parent in both directions with virtual network access, and no peering connects non-adjacent levels.',
  evaluate(ctx: CheckContext) {
    const out = [];
    const levels = levelsOf(ctx);
    const levelOfVnet = new Map(levels.filter((l) => l.vnet).map((l) => [l.vnet!.key, l.level]));
    for (const lw of levels) {
      const parent = lw.level.parent ? ctx.world.levels.get(lw.level.parent) : undefined;
      if (!parent || !lw.vnet || !parent.vnet) continue;
      for (const [a, b] of [
        [lw, parent],
        [parent, lw],
      ]) {
        const ok = ctx.world.network.peerings.some((p) => p.localVnet === a.vnet!.key && p.remoteVnet === b.vnet!.key && p.allowVirtualNetworkAccess);
        if (!ok)
          out.push(
            finding(ID, 'peering', a.level.name, `no azurerm_virtual_network_peering from ${a.level.name} to ${b.level.name} with virtual network access`, {
              source: { file: a.stackFile ?? '', object: '(missing azurerm_virtual_network_peering)' },
            }),
          );
      }
    }
    for (const p of ctx.world.network.peerings) {
      const a = p.localVnet ? levelOfVnet.get(p.localVnet) : undefined;
      const b = p.remoteVnet ? levelOfVnet.get(p.remoteVnet) : undefined;
      if (!a || !b) {
        out.push(
          finding(ID, 'peering', a?.name ?? p.stack, `peering to ${p.remoteRaw} cannot be matched to a level's VNET`, {
            source: p.source,
            severity: 'warning',
          }),
        );
        continue;
      }
      if (Math.abs(a.index - b.index) !== 1)
        out.push(
          finding(ID, 'peering', a.name, `peering connects ${a.name} and ${b.name}, which are not adjacent: traffic can skip a level's proxy`, {
            source: p.source,
          }),
        );
    }
    return resultOf(out);
  },
};
