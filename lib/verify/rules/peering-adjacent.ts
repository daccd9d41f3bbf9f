import { resultOf } from '../types';
import { peeredBothWays } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'peering-adjacent';

/**
 * Without a hub, each level is peered with its parent in both directions, and no peering
 * skips a level (which would bypass a proxy). With `firewall.placement: hub`, each level
 * is peered with the hub in both directions and with no other level: a peering between
 * two spokes is a route past the firewall.
 */
export const peeringAdjacent: Rule = {
  id: ID,
  layer: 'peering',
  description:
    'Each level is peered with its parent (with a hub: with the hub only) in both directions with virtual network access, and no peering connects non-adjacent levels (with a hub: any two levels).',
  evaluate(ctx: CheckContext) {
    const out = [];
    const levels = levelsOf(ctx);
    const hub = ctx.world.hub;
    const levelOfVnet = new Map(levels.filter((l) => l.vnet).map((l) => [l.vnet!.key, l.level]));
    const missing = (from: string, to: string, file: string | undefined) =>
      finding(ID, 'peering', from, `no azurerm_virtual_network_peering from ${from} to ${to} with virtual network access`, {
        source: { file: file ?? '', object: '(missing azurerm_virtual_network_peering)' },
      });
    for (const lw of levels) {
      if (hub) {
        if (lw.vnet && hub.vnet && !peeredBothWays(ctx.world, lw.vnet, hub.vnet)) out.push(missing(lw.level.name, 'the hub (both directions)', lw.stackFile));
        continue;
      }
      const parent = lw.level.parent ? ctx.world.levels.get(lw.level.parent) : undefined;
      if (!parent || !lw.vnet || !parent.vnet) continue;
      for (const [a, b] of [
        [lw, parent],
        [parent, lw],
      ]) {
        const ok = ctx.world.network.peerings.some((p) => p.localVnet === a.vnet!.key && p.remoteVnet === b.vnet!.key && p.allowVirtualNetworkAccess);
        if (!ok) out.push(missing(a.level.name, b.level.name, a.stackFile));
      }
    }
    for (const p of ctx.world.network.peerings) {
      const a = p.localVnet ? levelOfVnet.get(p.localVnet) : undefined;
      const b = p.remoteVnet ? levelOfVnet.get(p.remoteVnet) : undefined;
      const toHub = hub?.vnet !== undefined && (p.localVnet === hub.vnet.key || p.remoteVnet === hub.vnet.key);
      if (toHub) continue;
      if (!a || !b) {
        out.push(
          finding(ID, 'peering', a?.name ?? p.stack, `peering to ${p.remoteRaw} cannot be matched to a level's VNET`, {
            source: p.source,
            severity: 'warning',
          }),
        );
        continue;
      }
      if (hub)
        out.push(
          finding(
            ID,
            'peering',
            a.name,
            `peering connects spokes ${a.name} and ${b.name} directly: with a hub every level is peered with the hub only, and this route skips the firewall`,
            { source: p.source },
          ),
        );
      else if (Math.abs(a.index - b.index) !== 1)
        out.push(
          finding(ID, 'peering', a.name, `peering connects ${a.name} and ${b.name}, which are not adjacent: traffic can skip a level's proxy`, {
            source: p.source,
          }),
        );
    }
    return resultOf(out);
  },
};
