/**
 * `cluster.privateCluster` behind the firewall (placement `top`), at every level:
 * examples/firewall-top.yaml plus `privateCluster: true`, read from the synthesized
 * Terraform JSON. The top stack owns the custom zone `privatelink.westeurope.azmk8s.io`,
 * linked to the top VNET (the firewall's, where its DNS proxy asks Azure DNS); every
 * level's cluster uses it, with its identity's rights granted first.
 */
import { readFileSync } from 'node:fs';
import { readNetworkFacts } from '../../lib/verify/parse/network';
import { parseTfStack } from '../../lib/verify/parse/terraform';
import { evaluateNsg } from '../../lib/verify/engines/nsg';
import { parseRange } from '../../lib/verify/engines/addresses';
import { planNsgRules } from '../../lib/model/nsg-plan';
import { model, only, resources, synthStacks, TfJson } from './fixtures';

const EXAMPLE = readFileSync('examples/firewall-top.yaml', 'utf8');
const PRIVATE = EXAMPLE.replace(/^firewall:/m, 'cluster:\n  privateCluster: true\nfirewall:');
const ZONE = 'privatelink.westeurope.azmk8s.io';
const m = model(PRIVATE);
const { json } = synthStacks(m);

/** `${type.<key>.<attr>}` of the only resource of `type` in `stack`. */
const refOf = (stack: TfJson, type: string, attr = 'id', mode: 'resource' | 'data' = 'resource') => {
  const keys = Object.keys((mode === 'data' ? stack.data : stack.resource)?.[type] ?? {});
  expect([type, keys.length]).toEqual([type, 1]);
  return `\${${mode === 'data' ? 'data.' : ''}${type}.${keys[0]}.${attr}}`;
};
const roleKey = (stack: TfJson, role: string, scope: string) =>
  Object.entries(stack.resource.azurerm_role_assignment).find(([, r]) => r.role_definition_name === role && r.scope === scope)?.[0];

test('the example config with privateCluster is accepted (three levels, firewall at the top)', () => {
  expect(m.levels.map((l) => l.name)).toEqual(['l4', 'l3', 'l2']);
  expect(m.cluster.privateCluster).toBe(true);
});

test('the top stack owns the zone, linked (registration off) to its own VNET, the firewall VNET', () => {
  const top = json.l4;
  expect(only(top, 'azurerm_private_dns_zone')).toMatchObject({ name: ZONE, resource_group_name: '${azurerm_resource_group.resource-group.name}' });
  expect(only(top, 'azurerm_private_dns_zone_virtual_network_link')).toMatchObject({
    name: 'link-vnet-edge-l4',
    private_dns_zone_name: refOf(top, 'azurerm_private_dns_zone', 'name'),
    virtual_network_id: refOf(top, 'azurerm_virtual_network'),
    registration_enabled: false,
  });
  // The firewall sits in that VNET: its subnet is one of the top VNET's.
  expect(resources(top, 'azurerm_subnet').find((s) => s.name === 'AzureFirewallSubnet')?.virtual_network_name).toBe(
    refOf(top, 'azurerm_virtual_network', 'name'),
  );
  for (const level of ['l3', 'l2']) {
    expect(json[level].resource.azurerm_private_dns_zone).toBeUndefined();
    expect(json[level].resource.azurerm_private_dns_zone_virtual_network_link).toBeUndefined();
  }
});

test('the levels below find the zone by name in the top level resource group', () => {
  for (const level of ['l3', 'l2']) {
    expect(Object.values(json[level].data?.azurerm_private_dns_zone ?? {})).toEqual([
      expect.objectContaining({ name: ZONE, resource_group_name: 'rg-edge-l4' }),
    ]);
  }
});

test.each(['l4', 'l3', 'l2'])('%s: the cluster uses the zone through its user-assigned identity, granted both roles first, public FQDN off', (level) => {
  const stack = json[level];
  const cluster = only(stack, 'azurerm_kubernetes_cluster');
  const zoneId = level === 'l4' ? refOf(stack, 'azurerm_private_dns_zone') : refOf(stack, 'azurerm_private_dns_zone', 'id', 'data');
  expect(cluster).toMatchObject({
    private_cluster_enabled: true,
    private_dns_zone_id: zoneId,
    private_cluster_public_fqdn_enabled: false,
    identity: { type: 'UserAssigned', identity_ids: [refOf(stack, 'azurerm_user_assigned_identity')] },
  });
  const principal = refOf(stack, 'azurerm_user_assigned_identity', 'principal_id');
  const zoneRole = roleKey(stack, 'Private DNS Zone Contributor', zoneId);
  const vnetRole = roleKey(stack, 'Network Contributor', refOf(stack, 'azurerm_virtual_network'));
  expect([zoneRole, vnetRole].map((k) => k && stack.resource.azurerm_role_assignment[k].principal_id)).toEqual([principal, principal]);
  expect(cluster.depends_on).toEqual(expect.arrayContaining([`azurerm_role_assignment.${zoneRole}`, `azurerm_role_assignment.${vnetRole}`]));
  if (level === 'l4')
    expect(cluster.depends_on).toContain(
      `azurerm_private_dns_zone_virtual_network_link.${Object.keys(stack.resource.azurerm_private_dns_zone_virtual_network_link)[0]}`,
    );
});

test('without privateCluster nothing of it is generated (the example as shipped)', () => {
  const plain = synthStacks(model(EXAMPLE)).json;
  for (const stack of Object.values(plain)) {
    expect(stack.resource.azurerm_private_dns_zone).toBeUndefined();
    expect(stack.data?.azurerm_private_dns_zone).toBeUndefined();
    const cluster = resources(stack, 'azurerm_kubernetes_cluster')[0];
    expect([cluster.private_cluster_enabled, cluster.private_dns_zone_id, cluster.private_cluster_public_fqdn_enabled]).toEqual([false, undefined, undefined]);
    expect(resources(stack, 'azurerm_role_assignment').map((r) => r.role_definition_name)).not.toContain('Private DNS Zone Contributor');
  }
});

describe('NSG: each level reaches its own API server private endpoint (node subnet, 443) and nothing more is opened for it', () => {
  const facts = readNetworkFacts(Object.entries(json).map(([level, stack]) => parseTfStack(level, `${level}/cdk.tf.json`, JSON.stringify(stack))));
  const range = (ip: string) => ({ kind: 'range' as const, range: parseRange(ip)! });
  const offset = (cidr: string, n: number) => {
    const [a, b, c, d] = cidr.split('/')[0].split('.').map(Number);
    return [a, b, c, d + n].join('.');
  };

  test.each(m.levels.map((l) => [l.name, l] as const))('%s', (name, level) => {
    const nsg = facts.nsgs.find((n) => n.stack === name)!;
    const nodes = level.addresses.nodeSubnet.cidr;
    // AKS puts the endpoint in the first node pool's subnet: any address of it but a node's own.
    const node = offset(nodes, 4);
    const endpoint = offset(nodes, 9);
    const pod = offset(m.cluster.podCidr, 4);
    const flow = (direction: 'Inbound' | 'Outbound', source: string) =>
      evaluateNsg(nsg, { direction, protocol: 'Tcp', source: range(source), destination: range(endpoint), port: 443, virtualNetwork: [] });
    for (const source of [node, pod]) {
      expect([source, flow('Outbound', source).access, flow('Outbound', source).rule.name]).toEqual([source, 'Allow', 'allow-cluster-outbound']);
      expect([source, flow('Inbound', source).access, flow('Inbound', source).rule.name]).toEqual([source, 'Allow', 'allow-cluster-inbound']);
    }
    // Another level never reaches this level's endpoint.
    for (const other of m.levels.filter((l) => l.name !== name)) {
      expect(flow('Inbound', offset(other.addresses.nodeSubnet.cidr, 4))).toMatchObject({ access: 'Deny', rule: { name: 'deny-other-levels-inbound' } });
    }
    // The private cluster adds no rule: the plan equals the one of the same config without it.
    const publicModel = model(EXAMPLE);
    expect(planNsgRules(m, level, [443, 8084, 8883])).toEqual(planNsgRules(publicModel, publicModel.levels[level.index], [443, 8084, 8883]));
  });
});
