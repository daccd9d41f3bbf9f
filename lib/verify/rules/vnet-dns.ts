import { AZURE_DNS_IP } from '../../model/azure-facts';
import { resultOf } from '../types';
import { CheckContext, finding, levelsOf, Rule } from './rule';
import { topFirewall } from './firewall';

const ID = 'vnet-dns';

/** Below the top, a level's VNET uses exactly its parent's dnsmasq IP as DNS server; the top level uses Azure DNS. */
export const vnetDns: Rule = {
  id: ID,
  layer: 'vnet-dns',
  description:
    "Each lower level's VNET DNS server is exactly its parent's dnsmasq IP; the top level's VNET uses Azure DNS, or with a firewall exactly its DNS proxy.",
  evaluate(ctx: CheckContext) {
    const out = [];
    for (const lw of levelsOf(ctx)) {
      if (!lw.vnet) continue;
      const servers = lw.vnet.dnsServers ?? [];
      const parent = lw.level.parent ? ctx.world.levels.get(lw.level.parent) : undefined;
      if (parent) {
        if (servers.length !== 1 || servers[0] !== parent.level.dnsIp) {
          out.push(
            finding(
              ID,
              'vnet-dns',
              lw.level.name,
              `VNET DNS servers are [${servers.join(', ')}], expected [${parent.level.dnsIp}] (the dnsmasq of ${parent.level.name}): nodes resolve past the allow-list`,
              { source: lw.vnet.source },
            ),
          );
        }
      } else if (ctx.intent.firewall) {
        const proxy = topFirewall(ctx.world).firewall;
        const ip = proxy?.dnsProxy ? proxy.privateIp : undefined;
        if (!ip || servers.length !== 1 || servers[0] !== ip) {
          out.push(
            finding(
              ID,
              'vnet-dns',
              lw.level.name,
              `top level VNET uses DNS servers [${servers.join(', ')}]; with a firewall it must resolve through the firewall's DNS proxy${ip ? ` (${ip})` : ' (none found)'}, as the firewall's FQDN rules do`,
              { source: lw.vnet.source },
            ),
          );
        }
      } else if (servers.length > 0 && !(servers.length === 1 && servers[0] === AZURE_DNS_IP)) {
        out.push(
          finding(
            ID,
            'vnet-dns',
            lw.level.name,
            `top level VNET uses DNS servers [${servers.join(', ')}] instead of Azure DNS: its nodes resolve through a server the config does not declare`,
            { source: lw.vnet.source },
          ),
        );
      }
    }
    return resultOf(out);
  },
};
