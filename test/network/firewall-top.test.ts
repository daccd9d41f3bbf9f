/** `firewall.placement: top`: what the top level's stack gets, read from the synthesized Terraform JSON. */
import { readFileSync } from 'node:fs';
import { BASE, idRef, model, only, resources, synthStacks } from './fixtures';

const KV = 'https://kv-egress.vault.azure.net/secrets/firewall-ca';
const LIST = `allowList:
  - domain: mcr.microsoft.com
  - domain: "*.data.mcr.microsoft.com"
  - domain: management.azure.com
    tlsInspection: true
  - domain: "{region}.obo.arc.azure.com"
    ports: [443, 8084]
  - domain: broker.contoso.com
    ports: [8883]
`;
const CONFIG = `${BASE.replace(/allowList:\n[\s\S]*$/, LIST)}firewall:
  placement: top
  publicIps: 2
  tls:
    keyVaultSecretId: ${KV}
`;

const { json } = synthStacks(model(CONFIG));
const top = json.l4;

test('AzureFirewallSubnet is the planned /26, and the firewall sits on it with every public IP', () => {
  const subnet = resources(top, 'azurerm_subnet').find((s) => s.name === 'AzureFirewallSubnet');
  expect(subnet?.address_prefixes).toEqual(['172.16.192.0/26']);
  const firewall = only(top, 'azurerm_firewall');
  expect(firewall).toMatchObject({ name: 'afw-edge-l4', sku_name: 'AZFW_VNet', sku_tier: 'Premium' });
  expect(firewall.ip_configuration).toEqual([
    {
      name: 'ipconfig-1',
      public_ip_address_id: expect.stringContaining('public-ip-1'),
      subnet_id: idRef(top, 'azurerm_subnet', (s) => s.name === 'AzureFirewallSubnet'),
    },
    { name: 'ipconfig-2', public_ip_address_id: expect.stringContaining('public-ip-2') },
  ]);
  expect(resources(top, 'azurerm_public_ip').map((p) => [p.name, p.sku, p.allocation_method])).toEqual([
    ['pip-afw-edge-l4-1', 'Standard', 'Static'],
    ['pip-afw-edge-l4-2', 'Standard', 'Static'],
  ]);
  expect(json.l3.resource.azurerm_firewall).toBeUndefined();
});

test('the policy: sku, threat intelligence, IDPS, DNS proxy on, TLS inspection through a user-assigned identity granted on the vault first', () => {
  const policy = only(top, 'azurerm_firewall_policy');
  expect(policy).toMatchObject({
    name: 'afwp-edge-l4',
    sku: 'Premium',
    threat_intelligence_mode: 'Deny',
    intrusion_detection: { mode: 'Alert' },
    dns: { proxy_enabled: true },
    tls_certificate: { name: 'egress-intermediate-ca', key_vault_secret_id: KV },
    identity: { type: 'UserAssigned', identity_ids: [idRef(top, 'azurerm_user_assigned_identity', (i) => i.name === 'id-afwp-edge-l4')] },
  });
  const vault = Object.values(top.data?.azurerm_resources ?? {});
  expect(vault).toEqual([expect.objectContaining({ type: 'Microsoft.KeyVault/vaults', name: 'kv-egress' })]);
  const grant = resources(top, 'azurerm_role_assignment').find((r) => r.role_definition_name === 'Key Vault Secrets User');
  expect(grant?.scope).toMatch(/^\$\{data\.azurerm_resources\..*\.resources\[0\]\.id\}$/);
  expect(policy.depends_on).toEqual([expect.stringMatching(/^azurerm_role_assignment\..*key-vault-secrets-user/)]);
});

test('Standard: no IDPS, no identity, no TLS certificate', () => {
  const standard = synthStacks(model(`${BASE}firewall:\n  placement: top\n  sku: Standard\n  threatIntel: Alert\n`)).json.l4;
  const policy = only(standard, 'azurerm_firewall_policy');
  expect(policy).toMatchObject({ sku: 'Standard', threat_intelligence_mode: 'Alert', dns: { proxy_enabled: true } });
  expect(policy.intrusion_detection).toBeUndefined();
  expect(policy.identity).toBeUndefined();
  expect(policy.tls_certificate).toBeUndefined();
  expect(only(standard, 'azurerm_firewall').sku_tier).toBe('Standard');
});

test("sources are the IP group of the top level's node subnet; for each port the rule FQDNs equal the allow-list names on it", () => {
  const group = only(top, 'azurerm_ip_group');
  expect(group).toMatchObject({ name: 'ipg-edge-l4', cidrs: ['172.16.0.0/18'] });
  const groupId = idRef(top, 'azurerm_ip_group', () => true);
  const groups = resources(top, 'azurerm_firewall_policy_rule_collection_group');
  expect(groups.map((g) => [g.name, g.priority])).toEqual([
    ['allow-list', 200],
    ['final-deny', 65000],
  ]);
  const allow = groups[0];
  const app = allow.application_rule_collection.flatMap((c: any) => c.rule);
  const net = allow.network_rule_collection.flatMap((c: any) => c.rule);
  for (const rule of [...app, ...net]) expect(rule.source_ip_groups).toEqual([groupId]);
  expect(app.flatMap((r: any) => r.destination_fqdns).sort()).toEqual([
    '*.data.mcr.microsoft.com',
    'management.azure.com',
    'mcr.microsoft.com',
    'westeurope.obo.arc.azure.com',
  ]);
  for (const rule of app) expect(rule.protocols).toEqual([{ type: 'Https', port: 443 }]);
  expect(app.filter((r: any) => r.terminate_tls).map((r: any) => r.destination_fqdns)).toEqual([['management.azure.com']]);
  expect(net.map((r: any) => [r.destination_fqdns, r.destination_ports, r.protocols])).toEqual([
    [['broker.contoso.com'], ['8883'], ['TCP']],
    [['westeurope.obo.arc.azure.com'], ['8084'], ['TCP']],
  ]);
  for (const rule of [...app, ...net]) expect(rule.destination_fqdn_tags).toBeUndefined();
  const deny = groups[1].application_rule_collection;
  expect(deny).toEqual([
    expect.objectContaining({ action: 'Deny', priority: 65000, rule: [expect.objectContaining({ destination_fqdns: ['*'], source_addresses: ['*'] })] }),
  ]);
  expect(groups[1].depends_on).toEqual([expect.stringContaining('rules-allow-list')]);
});

test('the top node subnet routes 0.0.0.0/0 to the firewall; the cluster uses userDefinedRouting and waits for the firewall', () => {
  const route = only(top, 'azurerm_route');
  expect(route).toMatchObject({
    name: 'default-via-firewall',
    address_prefix: '0.0.0.0/0',
    next_hop_type: 'VirtualAppliance',
    next_hop_in_ip_address: '172.16.192.4',
  });
  const association = only(top, 'azurerm_subnet_route_table_association');
  expect(association.subnet_id).toBe('${azurerm_subnet.subnet-nodes.id}');
  const cluster = only(top, 'azurerm_kubernetes_cluster');
  expect(cluster.network_profile.outbound_type).toBe('userDefinedRouting');
  expect(cluster.depends_on).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^azurerm_firewall\./),
      expect.stringMatching(/^azurerm_firewall_policy_rule_collection_group\..*allow-list/),
    ]),
  );
  expect(
    resources(top, 'azurerm_role_assignment')
      .filter((r) => r.role_definition_name === 'Network Contributor')
      .map((r) => r.scope),
  ).toContain(idRef(top, 'azurerm_route_table', () => true));
  expect(top.output?.firewall_private_ip?.value).toBe('172.16.192.4');
});

test('the top VNET resolves through the firewall DNS proxy; the level below still resolves through the top dnsmasq', () => {
  expect(only(top, 'azurerm_virtual_network').dns_servers).toEqual(['172.16.192.4']);
  expect(only(json.l3, 'azurerm_virtual_network').dns_servers).toEqual(['172.16.64.5']);
  expect(only(json.l3, 'azurerm_route').next_hop_in_ip_address).toBe('172.16.64.4');
});

test('without a firewall, the default config has no firewall resource and the top keeps its load balancer egress', () => {
  const plain = synthStacks(model(readFileSync('infra/egress.yaml', 'utf8'))).json;
  for (const stack of Object.values(plain)) {
    for (const type of [
      'azurerm_firewall',
      'azurerm_firewall_policy',
      'azurerm_firewall_policy_rule_collection_group',
      'azurerm_ip_group',
      'azurerm_public_ip',
    ]) {
      expect(stack.resource[type]).toBeUndefined();
    }
  }
  expect(resources(plain.l4, 'azurerm_kubernetes_cluster')[0].network_profile.outbound_type).toBe('loadBalancer');
  expect(resources(plain.l4, 'azurerm_virtual_network')[0].dns_servers).toBeUndefined();
});

test('a single-level private cluster behind the firewall: private API server in the custom zone linked to its VNET, userDefinedRouting, resolved through the DNS proxy in its own VNET', () => {
  const single = BASE.replace(/  - name: l3\n    addressSpace: 172\.18\.0\.0\/16\n/, '');
  const stack = synthStacks(model(`${single}cluster:\n  privateCluster: true\nfirewall:\n  placement: top\n`)).json.l4;
  const cluster = only(stack, 'azurerm_kubernetes_cluster');
  expect(cluster.private_cluster_enabled).toBe(true);
  expect(cluster.private_dns_zone_id).toMatch(/^\$\{azurerm_private_dns_zone\./);
  expect(only(stack, 'azurerm_private_dns_zone_virtual_network_link').virtual_network_id).toBe('${azurerm_virtual_network.vnet.id}');
  expect(cluster.network_profile.outbound_type).toBe('userDefinedRouting');
  expect(only(stack, 'azurerm_virtual_network').dns_servers).toEqual(['172.16.192.4']);
  expect(only(stack, 'azurerm_route').next_hop_in_ip_address).toBe('172.16.192.4');
});

test('privateCluster with several levels is accepted with a firewall and refused without, the message naming the firewall as the way out', () => {
  expect(model(`${BASE}cluster:\n  privateCluster: true\nfirewall:\n  placement: top\n`).cluster.privateCluster).toBe(true);
  expect(() => model(`${BASE}cluster:\n  privateCluster: true\n`)).toThrow(
    /privateCluster true: a private API server cannot provision below the top level.*add a 'firewall:' section/,
  );
});
