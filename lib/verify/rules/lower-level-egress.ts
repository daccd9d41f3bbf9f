import { contains, parseRange, PRIVATE } from '../engines/addresses';
import { IntentLevel } from '../intent';
import { ClusterFact } from '../parse/network';
import { RouteFact, RouteTableFact } from '../parse/firewall';
import { Finding, resultOf } from '../types';
import { LevelWorld, World } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

/**
 * Below the top level nothing may have a way out but the parent's proxy, also at the
 * routing layer: the AKS cluster uses the `userDefinedRouting` outbound type, so AKS
 * gives it no public egress IP ("Customize cluster egress with outbound types"), and the
 * node subnet's route table sends 0.0.0.0/0 (and every public range) only to the
 * parent's Envoy IP as a virtual appliance, with no route to `Internet` and BGP route
 * propagation off (a gateway could otherwise inject a path out). With `firewall.placement:
 * hub` the next hop is the hub firewall, whose 0.0.0.0/0 route `firewall-route` proves;
 * this rule still proves the rest there.
 */

const ID = 'lower-level-egress';
const USER_DEFINED_ROUTING = 'userDefinedRouting';

/** What each other outbound type gives a cluster ("Customize cluster egress with outbound types"; azurerm's default is `loadBalancer`). */
const PUBLIC_EGRESS: Readonly<Record<string, string>> = {
  loadbalancer: "a public IP on the cluster's load balancer with outbound rules",
  managednatgateway: "an AKS-managed NAT gateway's public IP",
  userassignednatgateway: "the NAT gateway's public IP on the node subnet",
  none: "Azure's default outbound access of the VMs",
};

/** Whether a route's prefix reaches public addresses: not a private CIDR (a service tag as prefix counts as public). */
function reachesPublic(prefix: string): boolean {
  const r = parseRange(prefix.trim());
  return r === undefined || !PRIVATE.some((p) => contains(p, r));
}

const describeRoute = (r: RouteFact) => `${r.name ?? '(unnamed)'} (${r.prefix} -> ${r.nextHopType}${r.nextHopIp ? ` ${r.nextHopIp}` : ''})`;

export const lowerLevelEgress: Rule = {
  id: ID,
  layer: 'route',
  description:
    "Below the top level, the AKS cluster's outbound type is userDefinedRouting (no public egress IP), and the node subnet's route table sends 0.0.0.0/0 and every public range only to the parent's Envoy IP (with a hub: the firewall), has no route to Internet and does not propagate BGP routes.",
  evaluate(ctx: CheckContext) {
    const lower = levelsOf(ctx).filter((lw) => lw.level.parent !== undefined);
    if (lower.length === 0) return { status: 'not-applicable', reason: 'single level' };
    const hub = ctx.world.hub;
    const out: Finding[] = [];
    for (const lw of lower) {
      const parent = ctx.intent.levels.find((l) => l.name === lw.level.parent);
      out.push(...outboundTypeFindings(ctx.world, lw, lw.level.parent!));
      if (!parent) continue;
      // With a hub the default route goes to the firewall, and firewall-route proves it (and a missing table).
      const nextHop = hub
        ? { ip: hub.firewall?.privateIp, what: 'the hub firewall', checkedElsewhere: true }
        : { ip: parent.envoyIp, what: `${parent.name}'s Envoy`, checkedElsewhere: false };
      out.push(...routeFindings(ctx.world, lw, parent, nextHop));
    }
    return resultOf(out);
  },
};

function outboundTypeFindings(world: World, lw: LevelWorld, parent: string): Finding[] {
  const level = lw.level.name;
  const clusters = world.network.clusters.filter((c) => c.stack === level);
  if (clusters.length === 0)
    return [
      finding(
        ID,
        'route',
        level,
        'the level has no azurerm_kubernetes_cluster: its outbound type cannot be proven userDefinedRouting',
        lw.stackFile ? { source: { file: lw.stackFile, object: 'azurerm_kubernetes_cluster (missing)' } } : {},
      ),
    ];
  return clusters.filter((c) => !/^userdefinedrouting$/i.test(c.outboundType ?? '')).map((c) => outboundTypeFinding(level, parent, c));
}

function outboundTypeFinding(level: string, parent: string, c: ClusterFact): Finding {
  const type = c.outboundType ?? 'loadBalancer';
  const written = c.outboundType === undefined ? `no network_profile.outbound_type (azurerm's default: loadBalancer)` : `outbound type ${type}`;
  const gives = PUBLIC_EGRESS[type.toLowerCase()] ?? 'an egress path AKS does not document as closed';
  return finding(
    ID,
    'route',
    level,
    `cluster ${c.name ?? c.source.object} has ${written}: AKS gives its nodes their own way to the internet (${gives}), past ${parent}'s proxy; below the top it must be ${USER_DEFINED_ROUTING}`,
    { source: c.source },
  );
}

function routeFindings(
  world: World,
  lw: LevelWorld,
  parent: IntentLevel,
  nextHop: { readonly ip?: string; readonly what: string; readonly checkedElsewhere: boolean },
): Finding[] {
  const level = lw.level.name;
  const subnet = lw.nodeSubnet;
  if (!subnet) return []; // artifacts-present reports the missing node subnet
  const tables: RouteTableFact[] = world.routeTables.filter((t) => t.subnets.includes(subnet.key));
  const out: Finding[] = [];
  if (tables.length === 0) {
    if (!nextHop.checkedElsewhere)
      out.push(
        finding(
          ID,
          'route',
          level,
          `the node subnet '${subnet.name ?? subnet.key}' has no route table: Azure's system route sends 0.0.0.0/0 to the Internet, and AKS's ${USER_DEFINED_ROUTING} needs a 0.0.0.0/0 route to ${nextHop.what} (${nextHop.ip})`,
          { source: subnet.source },
        ),
      );
    return out;
  }
  if (tables.length > 1)
    out.push(
      finding(
        ID,
        'route',
        level,
        `the node subnet '${subnet.name ?? subnet.key}' is associated with ${tables.length} route tables (${tables.map((t) => t.name ?? t.key).join(', ')}): a subnet takes one, which one applies is not determined`,
        { source: tables[1].source },
      ),
    );
  for (const t of tables) {
    if (t.bgpRoutePropagation)
      out.push(
        finding(
          ID,
          'route',
          level,
          `route table ${t.name ?? t.key} propagates BGP routes: a gateway could inject a path out past ${parent.name}'s proxy (bgp_route_propagation_enabled must be false)`,
          { source: t.source },
        ),
      );
  }
  const routes = tables.flatMap((t) => t.routes);
  for (const r of routes) {
    if (/^internet$/i.test(r.nextHopType)) {
      out.push(
        finding(ID, 'route', level, `route ${describeRoute(r)} sends traffic to the Internet directly, past ${parent.name}'s proxy`, { source: r.source }),
      );
    } else if (r.prefix !== '0.0.0.0/0' && reachesPublic(r.prefix) && !/^none$/i.test(r.nextHopType) && !toNextHop(r, nextHop.ip)) {
      out.push(
        finding(
          ID,
          'route',
          level,
          `route ${describeRoute(r)} sends public addresses somewhere other than ${nextHop.what}${nextHop.ip ? ` (${nextHop.ip})` : ''}: a way out past ${parent.name}'s proxy`,
          { source: r.source },
        ),
      );
    }
  }
  if (!nextHop.checkedElsewhere) {
    const defaults = routes.filter((r) => r.prefix.trim() === '0.0.0.0/0');
    if (!(defaults.length === 1 && toNextHop(defaults[0], nextHop.ip))) {
      out.push(
        finding(
          ID,
          'route',
          level,
          `the node subnet needs exactly one 0.0.0.0/0 route, VirtualAppliance to ${nextHop.what} (${nextHop.ip}); found: ${defaults.map(describeRoute).join(', ') || 'none'}`,
          { source: defaults[0]?.source ?? tables[0].source },
        ),
      );
    }
  }
  return out;
}

function toNextHop(r: RouteFact, ip: string | undefined): boolean {
  return ip !== undefined && /^virtualappliance$/i.test(r.nextHopType) && r.nextHopIp === ip;
}
