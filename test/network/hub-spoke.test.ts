/** `firewall.placement: hub`: the hub stack and what every spoke gets, read from the synthesized Terraform JSON. */
import { App, Testing } from 'cdktf';
import { AllowList, ConfigError, EgressNetwork, HubStack, loadConfig } from '../../lib';
import { BASE, idRef, model, only, resources, synthStacks } from './fixtures';

const THREE_LEVELS = BASE.replace('allowList:', '  - name: l2\n    addressSpace: 172.20.0.0/16\nallowList:').replace(
  /allowList:\n[\s\S]*$/,
  `allowList:
  - domain: mcr.microsoft.com
  - domain: "*.data.mcr.microsoft.com"
  - domain: broker.contoso.com
    ports: [8883]
`,
);
const CONFIG = `${THREE_LEVELS}firewall:\n  placement: hub\nhub:\n  addressSpace: 10.100.0.0/22\n`;
const m = model(CONFIG);
const { json, stacks, hub } = synthStacks(m);
const FIREWALL_IP = '10.100.0.4';
const LEVELS = ['l4', 'l3', 'l2'];

test('the hub stack: its VNET, AzureFirewallSubnet (its first /26), the firewall with its policy (DNS proxy on), one IP group per level', () => {
  const h = json.hub;
  expect(only(h, 'azurerm_resource_group').name).toBe('rg-edge-hub');
  expect(only(h, 'azurerm_virtual_network')).toMatchObject({ name: 'vnet-edge-hub', address_space: ['10.100.0.0/22'] });
  expect(only(h, 'azurerm_virtual_network').dns_servers).toBeUndefined();
  expect(only(h, 'azurerm_subnet')).toMatchObject({ name: 'AzureFirewallSubnet', address_prefixes: ['10.100.0.0/26'] });
  expect(only(h, 'azurerm_firewall')).toMatchObject({ name: 'afw-edge-hub', sku_tier: 'Premium' });
  expect(only(h, 'azurerm_firewall_policy')).toMatchObject({ name: 'afwp-edge-hub', dns: { proxy_enabled: true }, threat_intelligence_mode: 'Deny' });
  expect(
    resources(h, 'azurerm_ip_group')
      .map((g) => [g.name, g.cidrs])
      .sort(),
  ).toEqual(m.levels.map((l) => [`ipg-edge-${l.name}`, [l.addresses.nodeSubnet.cidr]]).sort());
  expect(h.output?.firewall_private_ip?.value).toBe(FIREWALL_IP);
  expect(h.resource.azurerm_virtual_network_peering).toBeUndefined();
  for (const level of LEVELS) {
    for (const type of ['azurerm_firewall', 'azurerm_firewall_policy', 'azurerm_public_ip', 'azurerm_ip_group'])
      expect([level, json[level].resource[type]]).toEqual([level, undefined]);
  }
});

test("for each port the application rules' FQDNs equal the allow-list's names on it, and only the top level's IP group is their source", () => {
  const h = json.hub;
  const top = idRef(h, 'azurerm_ip_group', (g) => g.name === 'ipg-edge-l4');
  const allow = resources(h, 'azurerm_firewall_policy_rule_collection_group').find((g) => g.name === 'allow-list')!;
  const app = allow.application_rule_collection.flatMap((c: any) => c.rule);
  const net = allow.network_rule_collection.flatMap((c: any) => c.rule);
  expect(app.flatMap((r: any) => r.destination_fqdns).sort()).toEqual(['*.data.mcr.microsoft.com', 'mcr.microsoft.com']);
  expect(net.map((r: any) => [r.destination_fqdns, r.destination_ports])).toEqual([[['broker.contoso.com'], ['8883']]]);
  for (const rule of [...app, ...net]) expect(rule.source_ip_groups).toEqual([top]);
});

test("the hop rules allow exactly each level to its parent's Envoy on the allow-list ports and to its parent's DNS on 53, before the allow-list; a final deny closes", () => {
  const h = json.hub;
  const groups = resources(h, 'azurerm_firewall_policy_rule_collection_group').sort((a, b) => a.priority - b.priority);
  expect(groups.map((g) => [g.name, g.priority])).toEqual([
    ['level-hops', 100],
    ['allow-list', 200],
    ['final-deny', 65000],
  ]);
  const group = (level: string) => idRef(h, 'azurerm_ip_group', (g) => g.name === `ipg-edge-${level}`);
  const rules = groups[0].network_rule_collection.flatMap((c: any) => c.rule);
  expect(rules.map((r: any) => [r.name, r.source_ip_groups, r.destination_addresses, r.destination_ports, r.protocols])).toEqual([
    ['l2-to-l3-envoy', [group('l2')], ['172.18.64.4'], ['443', '8883'], ['TCP']],
    ['l2-to-l3-dns', [group('l2')], ['172.18.64.5'], ['53'], ['TCP', 'UDP']],
    ['l3-to-l4-envoy', [group('l3')], ['172.16.64.4'], ['443', '8883'], ['TCP']],
    ['l3-to-l4-dns', [group('l3')], ['172.16.64.5'], ['53'], ['TCP', 'UDP']],
  ]);
  expect(groups[0].network_rule_collection.map((c: any) => c.action)).toEqual(['Allow']);
  expect(groups[2].application_rule_collection[0]).toMatchObject({
    action: 'Deny',
    rule: [expect.objectContaining({ destination_fqdns: ['*'], source_addresses: ['*'] })],
  });
});

test('every level routes 0.0.0.0/0 to the firewall, uses userDefinedRouting (no public egress IP) and waits for its hub peerings', () => {
  for (const level of LEVELS) {
    const stack = json[level];
    expect([level, only(stack, 'azurerm_route')]).toEqual([
      level,
      expect.objectContaining({
        name: 'default-via-firewall',
        address_prefix: '0.0.0.0/0',
        next_hop_type: 'VirtualAppliance',
        next_hop_in_ip_address: FIREWALL_IP,
      }),
    ]);
    expect(only(stack, 'azurerm_route_table').bgp_route_propagation_enabled).toBe(false);
    expect(only(stack, 'azurerm_subnet_route_table_association').subnet_id).toBe('${azurerm_subnet.subnet-nodes.id}');
    const cluster = only(stack, 'azurerm_kubernetes_cluster');
    expect([level, cluster.network_profile.outbound_type]).toEqual([level, 'userDefinedRouting']);
    expect(cluster.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^azurerm_virtual_network_peering\..*to-hub/), expect.stringMatching(/from-hub/)]),
    );
  }
});

test("DNS: the top VNET resolves through the firewall's DNS proxy, each level below through its parent's dnsmasq", () => {
  expect(only(json.l4, 'azurerm_virtual_network').dns_servers).toEqual([FIREWALL_IP]);
  expect(only(json.l3, 'azurerm_virtual_network').dns_servers).toEqual(['172.16.64.5']);
  expect(only(json.l2, 'azurerm_virtual_network').dns_servers).toEqual(['172.18.64.5']);
  expect(m.workloads.envoy.upstreamDns).toEqual([FIREWALL_IP]);
  expect(m.workloads.dnsmasq.upstreamDns).toBe(FIREWALL_IP);
});

test('every level is peered with the hub only, in both directions, and with no other level', () => {
  for (const level of LEVELS) {
    const stack = json[level];
    const peerings = resources(stack, 'azurerm_virtual_network_peering').sort((a, b) => (a.name < b.name ? 1 : -1));
    expect([
      level,
      peerings.map((p) => [p.name, p.virtual_network_name, p.allow_virtual_network_access, p.allow_forwarded_traffic, p.allow_gateway_transit]),
    ]).toEqual([
      level,
      [
        [`peer-${level}-to-hub`, `vnet-edge-${level}`, true, true, false],
        [`peer-hub-to-${level}`, 'vnet-edge-hub', true, true, false],
      ],
    ]);
    expect(Object.values(stack.data?.azurerm_virtual_network ?? {})).toEqual([{ name: 'vnet-edge-hub', resource_group_name: 'rg-edge-hub' }]);
  }
});

test("NSGs: the hub's address space is denied like another level's; only the top may reach the firewall's DNS proxy", () => {
  const rules = (level: string) => resources(json[level], 'azurerm_network_security_rule');
  for (const level of LEVELS) {
    const deny = rules(level).find((r) => r.name === 'deny-other-levels-outbound')!;
    expect([level, deny.destination_address_prefixes]).toEqual([level, expect.arrayContaining(['10.100.0.0/22'])]);
  }
  expect(
    rules('l4')
      .filter((r) => r.name.endsWith('-to-firewall'))
      .map((r) => [r.name, r.protocol, r.destination_address_prefixes ?? [r.destination_address_prefix], r.priority])
      .sort((a, b) => a[3] - b[3]),
  ).toEqual([
    ['allow-dns-udp-to-firewall', 'Udp', [FIREWALL_IP], 1110],
    ['allow-dns-tcp-to-firewall', 'Tcp', [FIREWALL_IP], 1120],
  ]);
  for (const level of ['l3', 'l2']) expect(rules(level).filter((r) => r.name.endsWith('-to-firewall'))).toEqual([]);
});

test('the hub deploys first: every level stack depends on it, and each lower level on its parent', () => {
  expect(hub).toBeDefined();
  for (const stack of stacks)
    expect([stack.node.id, stack.dependencies.map((d) => d.node.id).sort()]).toEqual([stack.node.id, expect.arrayContaining(['hub'])]);
  expect(stacks[1].dependencies.map((d) => d.node.id)).toContain('l4');
});

test('EgressNetwork exposes the hub stack; without a hub it has none', () => {
  const app = new App();
  const network = new EgressNetwork(app, 'egress', { config: m });
  expect(network.hub?.node.id).toBe('hub');
  expect(network.stacks.map((s) => s.node.id)).toEqual(LEVELS);
  expect(new EgressNetwork(new App(), 'egress', { config: loadConfig('infra/egress.yaml') }).hub).toBeUndefined();
});

test("HubStack from narrow props checks them by the config file's rules: every problem at once", () => {
  const app = Testing.app();
  new AllowList(app, 'AllowList', { entries: m.allowEntries });
  let error: unknown;
  try {
    new HubStack(app, {
      deployment: 'Acme Corp',
      location: 'westeurope',
      firewall: { ...m.firewall!, placement: 'top', publicIps: 0, tls: { keyVaultSecretId: 'https://evil.example.com/secrets/ca\nx' } },
      levels: [
        { ...m.levels[0], name: 'l4\nserver=/#/6.6.6.6' },
        { ...m.levels[1], parent: 'nowhere' },
      ],
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const text = (error as Error).message;
  for (const want of [
    /deployment "Acme Corp"/,
    /firewall\.publicIps 0/,
    /firewall\.tls\.keyVaultSecretId/,
    /firewall\.placement "top": must be 'hub'/,
    /levels\[0\]\.name/,
    /levels\[1\]\.parent "nowhere"/,
  ]) {
    expect(text).toMatch(want);
  }
});

test('the default config and placement top write no hub stack', () => {
  expect(synthStacks(loadConfig('infra/egress.yaml')).hub).toBeUndefined();
  expect(synthStacks(model(`${BASE}firewall:\n  placement: top\n`)).json.hub).toBeUndefined();
});

describe('private clusters with a hub', () => {
  const ZONE = 'privatelink.westeurope.azmk8s.io';
  const priv = synthStacks(model(CONFIG.replace('firewall:', 'cluster:\n  privateCluster: true\nfirewall:'))).json;

  test('the hub owns the custom zone, linked (registration off) to the hub VNET, where the firewall DNS proxy asks Azure DNS', () => {
    expect(only(priv.hub, 'azurerm_private_dns_zone')).toMatchObject({ name: ZONE });
    expect(only(priv.hub, 'azurerm_private_dns_zone_virtual_network_link')).toMatchObject({
      name: 'link-vnet-edge-hub',
      virtual_network_id: idRef(priv.hub, 'azurerm_virtual_network', () => true),
      registration_enabled: false,
    });
    for (const level of LEVELS) expect([level, priv[level].resource.azurerm_private_dns_zone]).toEqual([level, undefined]);
  });

  test.each(LEVELS)('%s finds the zone in the hub resource group and its cluster uses it through its own identity, granted first', (level) => {
    const stack = priv[level];
    expect(Object.values(stack.data?.azurerm_private_dns_zone ?? {})).toEqual([{ name: ZONE, resource_group_name: 'rg-edge-hub' }]);
    const cluster = only(stack, 'azurerm_kubernetes_cluster');
    expect(cluster.private_cluster_enabled).toBe(true);
    expect(cluster.private_dns_zone_id).toMatch(/^\$\{data\.azurerm_private_dns_zone\..*\.id\}$/);
    const roles = resources(stack, 'azurerm_role_assignment').map((r) => r.role_definition_name);
    expect(roles).toEqual(expect.arrayContaining(['Private DNS Zone Contributor', 'Network Contributor']));
  });
});
