import { AZURE_DNS_IP } from '../../model/azure-facts';
import { FirewallFact } from '../parse/firewall';
import { VnetFact } from '../parse/network';
import { PrivateClusterFact, PrivateDnsFacts, readPrivateDnsFacts, sameZone, ZoneRef } from '../parse/private-dns';
import { Finding, resultOf } from '../types';
import { World } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'private-cluster-dns';

/**
 * A private AKS cluster finds its API server from its first boot, at every level, proven
 * from `cdk.tf.json`. Every level's DNS ends at one resolver (the top VNET's: Azure DNS, or
 * the firewall DNS proxy the top VNET names, which asks Azure DNS from the firewall's VNET;
 * vnet-dns, dnsmasq-upstreams and dnsmasq-unlisted prove each level forwards
 * `privatelink.<location>.azmk8s.io` up to it), and Azure DNS answers a private zone only
 * in a VNET linked to it. So each private cluster:
 * - registers in a custom zone `privatelink.<location>.azmk8s.io` (or a subzone) that a
 *   stack creates, not in AKS's 'System' zone (linked only to the cluster's own VNET: enough
 *   only when that VNET is the resolver's) and never 'None' (no private record at all);
 * - that zone is linked to the resolver's VNET;
 * - the cluster runs as a user-assigned identity holding 'Private DNS Zone Contributor' on
 *   the zone and 'Network Contributor' on its own VNET (AKS docs, "Create a private Azure
 *   Kubernetes Service (AKS) cluster": a custom zone needs both; AKS links the zone to the
 *   cluster's VNET itself), both created before the cluster.
 */
export const privateClusterDns: Rule = {
  id: ID,
  layer: 'private-dns',
  description:
    "Every private AKS cluster uses a custom privatelink.<location>.azmk8s.io zone linked to the VNET its levels' DNS ends in (the firewall's, when the top VNET resolves through its DNS proxy), through a user-assigned identity with Private DNS Zone Contributor on the zone and Network Contributor on its VNET, granted before the cluster.",
  evaluate(ctx: CheckContext) {
    const facts = factsOf(ctx.world);
    const out: Finding[] = [];
    let any = false;
    const resolver = resolverNetwork(ctx.world);
    for (const lw of levelsOf(ctx)) {
      const cluster = facts.clusters.find((c) => c.stack === lw.level.name);
      if (!cluster?.privateCluster) continue;
      any = true;
      const level = lw.level.name;
      const add = (message: string, source = cluster.source) => out.push(finding(ID, 'private-dns', level, message, { source }));
      if (!resolver.vnet) {
        add(`the API server's zone must be answered where every level's DNS ends, but ${resolver.why}`);
        continue;
      }
      const custom = checkZone(cluster, facts, ctx.intent.location, resolver.vnet, lw.vnet, add);
      if (custom) checkIdentity(cluster, custom, lw.vnet, add);
    }
    return any ? resultOf(out) : { status: 'not-applicable', reason: 'no private AKS cluster in the stacks' };
  },
};

const memo = new WeakMap<World, PrivateDnsFacts>();
function factsOf(world: World): PrivateDnsFacts {
  let facts = memo.get(world);
  if (!facts) memo.set(world, (facts = readPrivateDnsFacts(world.artifacts.stacks, world.network.vnets)));
  return facts;
}

/** The VNET whose Azure DNS answers for every level: the top VNET's, or that of the firewall whose DNS proxy the top VNET names. */
function resolverNetwork(world: World): { vnet?: VnetFact; why: string } {
  const top = world.levels.get(world.intent.levels[0]?.name ?? '');
  if (!top?.vnet) return { why: 'the top level has no VNET in its stack' };
  const servers = top.vnet.dnsServers ?? [];
  if (servers.length === 0 || (servers.length === 1 && servers[0] === AZURE_DNS_IP)) return { vnet: top.vnet, why: '' };
  const proxy: FirewallFact | undefined = world.firewalls.find((f) => f.dnsProxy && f.privateIp !== undefined && servers.includes(f.privateIp));
  if (!proxy) return { why: `the top VNET resolves through [${servers.join(', ')}], which is no firewall DNS proxy of the stacks` };
  const subnet = world.network.subnets.find((s) => s.stack === proxy.stack && s.name === 'AzureFirewallSubnet' && s.prefixes.includes(proxy.subnet ?? ''));
  const vnet = world.network.vnets.find((v) => v.key === subnet?.vnet);
  return vnet ? { vnet, why: '' } : { why: `the VNET of firewall ${proxy.name ?? proxy.source.object} cannot be read` };
}

/** Checks the cluster's zone; returns it when it is a custom zone of the stacks (the identity checks need it). */
function checkZone(
  cluster: PrivateClusterFact,
  facts: PrivateDnsFacts,
  location: string | undefined,
  resolver: VnetFact,
  own: VnetFact | undefined,
  add: (message: string, source?: Finding['source']) => void,
): ZoneRef | undefined {
  const raw = cluster.zoneIdRaw ?? 'System';
  if (/^none$/i.test(raw)) {
    add(
      "private_dns_zone_id is 'None': no private record of the API server exists, nodes resolve its public name, which the proxy chain answers with an Envoy",
    );
    return undefined;
  }
  if (/^system$/i.test(raw)) {
    // AKS links its own zone to the cluster's VNET: enough only when that VNET is where every level's DNS ends.
    if (own?.key !== resolver.key)
      add(
        `private_dns_zone_id is '${raw}': AKS links its zone only to the cluster's own VNET, but this level's DNS ends in ${resolver.name ?? resolver.key}, ` +
          'whose Azure DNS never sees that zone: the nodes cannot find their API server. Use a custom privatelink zone linked there',
      );
    return undefined;
  }
  const zone = cluster.zone;
  if (!zone) {
    add(`private_dns_zone_id ${raw} names no private DNS zone the verifier can read`);
    return undefined;
  }
  const want = `privatelink.${location ?? '<location>'}.azmk8s.io`;
  if (location && zone.name.toLowerCase() !== want && !zone.name.toLowerCase().endsWith(`.${want}`))
    add(`the cluster's zone is ${zone.name}: AKS accepts only ${want} or a subzone of it in this region`);
  const created = facts.zones.find((z) => sameZone(z, zone));
  if (!created) {
    add(`the cluster's zone ${zone.name} (resource group ${zone.resourceGroup ?? '?'}) is created by no stack: its links cannot be proven`);
    return zone;
  }
  if (!facts.links.some((l) => sameZone(l.zone, created) && l.vnet === resolver.key))
    add(
      `zone ${zone.name} is not linked to ${resolver.name ?? resolver.key}, the VNET where every level's DNS ends (the resolver asks Azure DNS there): ` +
        'the API server name does not resolve and the cluster cannot provision',
      created.source,
    );
  return zone;
}

/** The identity and its two rights, created before the cluster. */
function checkIdentity(cluster: PrivateClusterFact, zone: ZoneRef, own: VnetFact | undefined, add: (message: string) => void): void {
  if (cluster.identityType !== 'UserAssigned' || !cluster.identity) {
    add(`the cluster runs as a '${cluster.identityType ?? 'no'}' identity: a custom private DNS zone needs a user-assigned control-plane identity`);
    return;
  }
  const grants = cluster.roleAssignments.filter((r) => r.identity === cluster.identity);
  const needs = [
    {
      role: 'Private DNS Zone Contributor',
      on: `zone ${zone.name}`,
      why: 'AKS writes the API server record there',
      ok: (s: (typeof grants)[number]['scope']) => sameZone(s.zone, zone),
    },
    {
      role: 'Network Contributor',
      on: `VNET ${own?.name ?? '?'}`,
      why: "AKS links the zone to the cluster's VNET",
      ok: (s: (typeof grants)[number]['scope']) => own !== undefined && s.vnet === own.key,
    },
  ];
  for (const need of needs) {
    const grant = grants.find((g) => g.role === need.role && need.ok(g.scope));
    if (!grant) add(`${cluster.identity} has no '${need.role}' on the ${need.on} (${need.why}): the cluster cannot provision`);
    else if (!cluster.dependsOn.includes(grant.address))
      add(`the cluster does not depend on ${grant.address}: AKS may start before its identity holds '${need.role}'`);
  }
}
