/**
 * The ways out of a level below the top that bypass the proxy chain at the routing and
 * platform layer, planted in freshly synthesized default output (infra/egress.yaml): an
 * outbound type that gives the cluster its own public egress, a route to the Internet, a
 * missing route table, BGP propagation on, and Azure's platform DNS left open or
 * shadowed. Each must make `check` fail and name the rule, level and file.
 */
import { check, editTerraform, errorsOf, expectFinding, plantedDefectSuite, Synthesized } from './verify-helpers';

const current = plantedDefectSuite('infra/egress.yaml');
let s: Synthesized;
beforeEach(() => {
  s = current();
});

const stackFile = (level: string) => new RegExp(`cdktf\\.out/stacks/${level}/cdk\\.tf\\.json$`);
const only = (json: any, type: string): any => {
  const values = Object.values(json.resource[type] ?? {});
  expect(values).toHaveLength(1);
  return values[0];
};
const nsgRules = (json: any): Record<string, any> => json.resource.azurerm_network_security_rule;
const ruleNamed = (json: any, name: string): [string, any] => Object.entries(nsgRules(json)).find(([, r]) => r.name === name)!;

test('the default output passes both rules, at every level below the top', () => {
  const report = check(s);
  expect(errorsOf(report)).toEqual([]);
  for (const id of ['lower-level-egress', 'nsg-platform-dns']) expect([id, report.rules.find((r) => r.id === id)?.status]).toEqual([id, 'compliant']);
});

describe('the outbound type', () => {
  test.each(['loadBalancer', 'managedNATGateway', 'userAssignedNATGateway', 'none'])('%s at l3 fails', (type) => {
    editTerraform(s, 'l3', (json) => (only(json, 'azurerm_kubernetes_cluster').network_profile.outbound_type = type));
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l3',
      message: new RegExp(`cluster aks-edge-l3 has outbound type ${type}: AKS gives its nodes their own way to the internet .*past l4's proxy`),
      file: stackFile('l3'),
    });
  });

  test("no outbound_type is azurerm's default, loadBalancer", () => {
    editTerraform(s, 'l2', (json) => delete only(json, 'azurerm_kubernetes_cluster').network_profile.outbound_type);
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l2',
      message: /no network_profile\.outbound_type \(azurerm's default: loadBalancer\)/,
      file: stackFile('l2'),
    });
  });

  test('the top level keeps its configured outbound type', () => {
    editTerraform(s, 'l4', (json) => (only(json, 'azurerm_kubernetes_cluster').network_profile.outbound_type = 'managedNATGateway'));
    expect(errorsOf(check(s)).filter((f) => f.rule === 'lower-level-egress')).toEqual([]);
  });
});

describe("the node subnet's routes", () => {
  test('an added route to the Internet fails, naming the route', () => {
    editTerraform(s, 'l2', (json) => {
      json.resource.azurerm_route.leak = { ...only(json, 'azurerm_route'), name: 'to-dns-google', address_prefix: '8.8.8.8/32', next_hop_type: 'Internet' };
      delete json.resource.azurerm_route.leak.next_hop_in_ip_address;
    });
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l2',
      message: /route to-dns-google \(8\.8\.8\.8\/32 -> Internet\) sends traffic to the Internet directly, past l3's proxy/,
      file: stackFile('l2'),
    });
  });

  test('the default route sent to the Internet fails twice: an Internet hop, and no 0.0.0.0/0 to the parent', () => {
    editTerraform(s, 'l3', (json) => {
      const route = only(json, 'azurerm_route');
      route.next_hop_type = 'Internet';
      delete route.next_hop_in_ip_address;
    });
    const report = check(s);
    expectFinding(report, {
      rule: 'lower-level-egress',
      level: 'l3',
      message: /default-via-l4-envoy \(0\.0\.0\.0\/0 -> Internet\) sends traffic to the Internet/,
    });
    expectFinding(report, {
      rule: 'lower-level-egress',
      level: 'l3',
      message: /exactly one 0\.0\.0\.0\/0 route, VirtualAppliance to l4's Envoy \(172\.16\.64\.4\); found: default-via-l4-envoy \(0\.0\.0\.0\/0 -> Internet\)/,
    });
  });

  test('a default route to another appliance fails', () => {
    editTerraform(s, 'l3', (json) => (only(json, 'azurerm_route').next_hop_in_ip_address = '172.18.64.100'));
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l3',
      message: /to l4's Envoy \(172\.16\.64\.4\); found: .*VirtualAppliance 172\.18\.64\.100/,
    });
  });

  test('half the internet sent to another appliance fails (a more specific route wins over 0.0.0.0/0)', () => {
    editTerraform(s, 'l3', (json) => {
      json.resource.azurerm_route.half = { ...only(json, 'azurerm_route'), name: 'half', address_prefix: '0.0.0.0/1', next_hop_in_ip_address: '172.18.64.100' };
    });
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l3',
      message: /route half \(0\.0\.0\.0\/1 -> VirtualAppliance 172\.18\.64\.100\) sends public addresses/,
    });
  });

  test('a missing route table fails, naming the node subnet', () => {
    editTerraform(s, 'l2', (json) => delete json.resource.azurerm_subnet_route_table_association);
    expectFinding(check(s), {
      rule: 'lower-level-egress',
      level: 'l2',
      message: /the node subnet 'nodes' has no route table: Azure's system route sends 0\.0\.0\.0\/0 to the Internet/,
      file: stackFile('l2'),
    });
  });

  test('BGP route propagation on fails, and so does leaving it to the default', () => {
    editTerraform(s, 'l3', (json) => (only(json, 'azurerm_route_table').bgp_route_propagation_enabled = true));
    editTerraform(s, 'l2', (json) => delete only(json, 'azurerm_route_table').bgp_route_propagation_enabled);
    const report = check(s);
    for (const level of ['l3', 'l2'])
      expectFinding(report, {
        rule: 'lower-level-egress',
        level,
        message: new RegExp(`route table rt-edge-${level} propagates BGP routes`),
        file: stackFile(level),
      });
  });
});

describe("Azure's platform DNS", () => {
  test('the AzurePlatformDNS deny removed fails on UDP and TCP', () => {
    editTerraform(s, 'l3', (json) => delete nsgRules(json)[ruleNamed(json, 'deny-azure-dns-outbound')[0]]);
    const report = check(s);
    for (const protocol of ['Udp', 'Tcp'])
      expectFinding(report, {
        rule: 'nsg-platform-dns',
        level: 'l3',
        message: new RegExp(`no rule of NSG nsg-edge-l3 denies the AzurePlatformDNS service tag on ${protocol} 53`),
        file: stackFile('l3'),
      });
  });

  test('the deny shadowed by an earlier Allow to 168.63.129.16 fails, naming the Allow', () => {
    editTerraform(s, 'l2', (json) => {
      const [, deny] = ruleNamed(json, 'deny-azure-dns-outbound');
      nsgRules(json).shadow = {
        ...deny,
        name: 'allow-azure-dns',
        priority: 2000,
        access: 'Allow',
        protocol: 'Udp',
        destination_address_prefix: '168.63.129.16',
        destination_port_range: '53',
      };
    });
    expectFinding(check(s), {
      rule: 'nsg-platform-dns',
      level: 'l2',
      message:
        /NSG nsg-edge-l2 rule allow-azure-dns \(priority 2000\) allows Udp 53 to Azure's platform DNS 168\.63\.129\.16 before any deny of AzurePlatformDNS/,
      file: stackFile('l2'),
    });
  });

  test('the deny written as the address instead of the tag fails: Azure documents only the tag as reaching platform DNS', () => {
    editTerraform(s, 'l2', (json) => (ruleNamed(json, 'deny-azure-dns-outbound')[1].destination_address_prefix = '168.63.129.16/32'));
    expectFinding(check(s), { rule: 'nsg-platform-dns', level: 'l2', message: /no rule of NSG nsg-edge-l2 denies the AzurePlatformDNS service tag on Udp 53/ });
  });
});
