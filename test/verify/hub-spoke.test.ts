/**
 * Hub-spoke as `check` sees it: examples/hub-spoke.yaml synthesized and checked clean,
 * then one planted defect per test in a cdk.tf.json (an extra FQDN, a `*` rule, a broad
 * network rule, a lower level given internet rules, a missing spoke route, a
 * spoke-to-spoke peering, a lower level let to the firewall's DNS proxy, a hop rule
 * dropped, a spoke route to the Internet), each making `check` fail and name the rule.
 * `explain` shows the hub hop.
 */
import { explainArtifacts } from '../../lib/verify';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../lib/model';
import {
  check,
  expectCompliant,
  cleanup,
  editTerraform,
  errorsOf,
  expectFinding,
  plantedDefectSuite,
  allowListAppRules,
  ruleCollectionGroup,
  Synthesized,
  synthFresh,
} from './verify-helpers';

const EXAMPLE = 'examples/hub-spoke.yaml';
const current = plantedDefectSuite(EXAMPLE);
let s: Synthesized;
beforeEach(() => {
  s = current();
});

const HUB_FILE = /cdktf\.out\/stacks\/hub\/cdk\.tf\.json$/;
const hopRules = (json: any): any[] => ruleCollectionGroup(json, 'level-hops').network_rule_collection[0].rule;
const ipGroupRef = (json: any, level: string): string => {
  const key = Object.entries(json.resource.azurerm_ip_group).find(([, g]: any) => g.name === `ipg-edge-${level}`)![0];
  return `\${azurerm_ip_group.${key}.id}`;
};

test('the example passes check, with every hub rule applied', () => {
  expectCompliant(check(s), [
    'firewall-present',
    'firewall-route',
    'firewall-allowed',
    'firewall-denied',
    'firewall-rules-listed',
    'firewall-final-deny',
    'firewall-east-west',
    'firewall-internet-top-only',
    'nsg-hub-sealed',
    'peering-adjacent',
    'lower-level-egress',
    'nsg-platform-dns',
  ]);
});

test('an extra FQDN in the hub application rules fails, naming the rule', () => {
  editTerraform(s, 'hub', (json) => allowListAppRules(json)[0].destination_fqdns.push('evil.example.org'));
  expectFinding(check(s), {
    rule: 'firewall-rules-listed',
    message: /application rule '.*' \(collection 'allow-list-https'\) allows evil\.example\.org on port 443: not on the allow-list/,
    file: HUB_FILE,
  });
});

test('a * rule fails', () => {
  editTerraform(s, 'hub', (json) => (allowListAppRules(json)[0].destination_fqdns = ['*']));
  const report = check(s);
  expectFinding(report, { rule: 'firewall-rules-listed', message: /allows every name \(destination FQDN '\*'\) on port 443/ });
  expectFinding(report, { rule: 'firewall-denied', message: /unlisted\.le-probe\.net:443 passes the firewall/ });
});

test('a broad network rule between the spokes fails: east-west beyond the hops', () => {
  editTerraform(s, 'hub', (json) =>
    hopRules(json).push({
      name: 'spokes-any',
      protocols: ['Any'],
      source_addresses: ['172.16.0.0/12'],
      destination_addresses: ['172.16.0.0/12'],
      destination_ports: ['*'],
    }),
  );
  const report = check(s);
  expectFinding(report, {
    rule: 'firewall-east-west',
    level: 'l4',
    message: /allows TCP 22 from l4 to l3's a node .*network rule 'spokes-any'/,
    file: HUB_FILE,
  });
  expectFinding(report, { rule: 'firewall-east-west', level: 'l2', message: /allows TCP 443 from l2 to l4's Envoy/ });
  expectFinding(report, { rule: 'firewall-rules-listed', message: /network rule 'spokes-any' .* allows destination address '172\.16\.0\.0\/12'/ });
});

test("a lower level's IP group in the allow-list rules fails: only the top reaches the internet", () => {
  editTerraform(s, 'hub', (json) => allowListAppRules(json)[0].source_ip_groups.push(ipGroupRef(json, 'l3')));
  expectFinding(check(s), { rule: 'firewall-internet-top-only', level: 'l3', message: /passes the hub firewall from l3 .*below the top/, file: HUB_FILE });
});

test("a dropped hop rule fails: the child can no longer reach its parent's Envoy", () => {
  editTerraform(s, 'hub', (json) => {
    const rules = hopRules(json);
    rules.splice(
      rules.findIndex((r: any) => r.name === 'l2-to-l3-envoy'),
      1,
    );
  });
  const report = check(s);
  expectFinding(report, { rule: 'firewall-east-west', level: 'l2', message: /denies TCP 443 from l2 to l3's Envoy \(172\.18\.64\.4\), a hop of the chain/ });
  expectFinding(report, { rule: 'envoy-allowed-routes', message: /hub firewall denies TCP 443 from l2 to l3 172\.18\.64\.4/ });
});

test('a missing route on a spoke fails: it cannot reach its parent, and the path stops there', () => {
  editTerraform(s, 'l3', (json) => delete json.resource.azurerm_route);
  const report = check(s);
  expectFinding(report, { rule: 'firewall-route', level: 'l3', message: /0\.0\.0\.0\/0 route must go to the firewall \(172\.22\.0\.4\); found: none/ });
  expectFinding(report, { rule: 'envoy-allowed-routes', message: /l3's node subnet does not route 0\.0\.0\.0\/0 to the hub firewall/ });
  expect(errorsOf(report).filter((f) => f.rule === 'lower-level-egress')).toEqual([]);
});

test("a spoke's default route is firewall-route's alone; lower-level-egress adds the Internet hop and BGP propagation", () => {
  editTerraform(s, 'l2', (json) => {
    const [route]: any[] = Object.values(json.resource.azurerm_route);
    route.next_hop_type = 'Internet';
    delete route.next_hop_in_ip_address;
    (Object.values(json.resource.azurerm_route_table)[0] as any).bgp_route_propagation_enabled = true;
  });
  const report = check(s);
  expectFinding(report, { rule: 'firewall-route', level: 'l2', message: /must go to the firewall \(172\.22\.0\.4\); found: Internet/ });
  expectFinding(report, {
    rule: 'lower-level-egress',
    level: 'l2',
    message: /default-via-firewall \(0\.0\.0\.0\/0 -> Internet\) sends traffic to the Internet directly/,
  });
  expectFinding(report, { rule: 'lower-level-egress', level: 'l2', message: /route table rt-edge-l2 propagates BGP routes/ });
  expect(errorsOf(report).filter((f) => f.rule === 'lower-level-egress' && /0\.0\.0\.0\/0 route/.test(f.message))).toEqual([]);
});

test('a spoke-to-spoke peering fails, naming both levels', () => {
  editTerraform(s, 'l2', (json) => {
    const peerings = json.resource.azurerm_virtual_network_peering;
    const [key, toHub]: [string, any] = Object.entries(peerings).find(([, p]: any) => p.name === 'peer-l2-to-hub') as [string, any];
    peerings[`${key}_l3`] = { ...toHub, name: 'peer-l2-to-l3', remote_virtual_network_id: '${data.azurerm_virtual_network.l3_vnet.id}' };
    json.data.azurerm_virtual_network.l3_vnet = { name: 'vnet-edge-l3', resource_group_name: 'rg-edge-l3' };
  });
  expectFinding(check(s), { rule: 'peering-adjacent', level: 'l2', message: /peering connects spokes l2 and l3 directly: .*skips the firewall/ });
});

test("a spoke's NSG that lets its nodes reach the hub fails: the firewall's DNS proxy answers every name", () => {
  editTerraform(s, 'l3', (json) => {
    const rules = json.resource.azurerm_network_security_rule;
    const key = Object.entries(rules).find(([, r]: any) => r.name === 'deny-other-levels-outbound')![0];
    delete rules[key];
  });
  expectFinding(check(s), { rule: 'nsg-hub-sealed', level: 'l3', message: /nodes reach the hub firewall 172\.22\.0\.4 on Udp 53/ });
});

test('explain shows the hub firewall on each hop between levels, with the rule that allowed it', () => {
  const explained = explainArtifacts(s.model, s.cdktfOut, s.manifestsOut, 'mcr.microsoft.com', 'l2');
  expect(explained.ok).toBe(true);
  const text = explained.text;
  expect(text).toMatch(/via hub firewall afw-edge-hub: Allow \(network rule 'l2-to-l3-envoy' in collection 'allow-child-to-parent'/);
  expect(text).toMatch(/via hub firewall afw-edge-hub: Allow \(network rule 'l3-to-l4-envoy'/);
  expect(text).toMatch(/l4 Azure Firewall: allowed by application rule 'https-443-mcr\.microsoft\.com'/);
});

test('private clusters with a hub pass check: the zone lives in the hub, linked to the VNET the firewall resolves from', () => {
  const config = readFileSync(EXAMPLE, 'utf8').replace(/^firewall:/m, 'cluster:\n  privateCluster: true\nfirewall:');
  const priv = synthFresh(parseConfig(config, EXAMPLE));
  try {
    const report = check(priv);
    expect(errorsOf(report)).toEqual([]);
    expect(report.rules.find((r) => r.id === 'private-cluster-dns')?.status).toBe('compliant');
    editTerraform(priv, 'hub', (json) => delete json.resource.azurerm_private_dns_zone_virtual_network_link);
    expectFinding(check(priv), { rule: 'private-cluster-dns' });
  } finally {
    cleanup(priv);
  }
});
