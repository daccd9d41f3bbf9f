/**
 * Private clusters behind the top firewall as `check` sees them: examples/firewall-top.yaml
 * plus `cluster.privateCluster: true`, synthesized and checked clean, then one planted
 * defect per test in cdk.tf.json (the zone unlinked, a role missing, AKS's 'System' or
 * 'None' zone, the cluster not waiting for its rights) or in a dnsmasq.conf (the zone no
 * longer forwarded upwards), each making `check` fail and name the rule, level and file.
 */
import { readFileSync } from 'node:fs';
import { Finding, Report } from '../../lib/verify';
import { parseConfig } from '../../lib/model';
import { check, cleanup, copyOf, editConfigMapKey, editTerraform, errorsOf, Synthesized, synthFresh } from './verify-helpers';

const CONFIG = readFileSync('examples/firewall-top.yaml', 'utf8').replace(/^firewall:/m, 'cluster:\n  privateCluster: true\nfirewall:');
const ZONE = 'privatelink.westeurope.azmk8s.io';
let fresh: Synthesized;
let s: Synthesized;

beforeAll(() => {
  fresh = synthFresh(parseConfig(CONFIG, 'egress.yaml'));
});
afterAll(() => cleanup(fresh));
beforeEach(() => {
  s = copyOf(fresh);
});
afterEach(() => cleanup(s));

function expectFinding(report: Report, want: { rule: string; level: string; message: RegExp; file?: RegExp }): Finding {
  const hit = errorsOf(report).find((f) => f.rule === want.rule && f.level === want.level && want.message.test(f.message));
  expect(report.ok).toBe(false);
  if (!hit)
    throw new Error(
      `no ${want.rule} finding at ${want.level} like ${String(want.message)}; got:\n${errorsOf(report)
        .slice(0, 10)
        .map((f) => `${f.rule} ${f.level} ${f.message}`)
        .join('\n')}`,
    );
  expect(hit.source?.file).toMatch(want.file ?? new RegExp(`cdktf\\.out/stacks/${want.level}/cdk\\.tf\\.json$`));
  return hit;
}

const entries = (json: any, type: string): Array<[string, any]> => Object.entries(json.resource[type] ?? {});
const cluster = (json: any): any => entries(json, 'azurerm_kubernetes_cluster')[0][1];
const dropRole = (json: any, role: string) => {
  const [key] = entries(json, 'azurerm_role_assignment').find(([, r]) => r.role_definition_name === role && !/subnet|route_table/.test(r.scope))!;
  delete json.resource.azurerm_role_assignment[key];
  cluster(json).depends_on = cluster(json).depends_on.filter((d: string) => d !== `azurerm_role_assignment.${key}`);
};

test('the private-cluster config passes check, with the private-cluster-dns rule applied', () => {
  const report = check(s);
  expect(errorsOf(report)).toEqual([]);
  expect(report.rules.find((r) => r.id === 'private-cluster-dns')?.status).toBe('compliant');
});

test('without privateCluster (the example as shipped) the rule does not apply', () => {
  const plain = synthFresh(parseConfig(readFileSync('examples/firewall-top.yaml', 'utf8'), 'egress.yaml'));
  try {
    expect(check(plain).rules.find((r) => r.id === 'private-cluster-dns')?.status).toBe('not-applicable');
  } finally {
    cleanup(plain);
  }
});

test('the zone unlinked from the firewall VNET fails at every level', () => {
  editTerraform(s, 'l4', (json) => delete json.resource.azurerm_private_dns_zone_virtual_network_link);
  const report = check(s);
  for (const level of ['l4', 'l3', 'l2'])
    expectFinding(report, {
      rule: 'private-cluster-dns',
      level,
      message: new RegExp(`zone ${ZONE.replace(/\./g, '\\.')} is not linked to vnet-edge-l4, the VNET where every level's DNS ends`),
      file: /cdktf\.out\/stacks\/l4\/cdk\.tf\.json$/,
    });
});

test('the zone linked to another VNET than the firewall one fails', () => {
  editTerraform(s, 'l4', (json) => {
    const [, link] = entries(json, 'azurerm_private_dns_zone_virtual_network_link')[0];
    link.virtual_network_id = '/subscriptions/0/resourceGroups/rg-edge-l3/providers/Microsoft.Network/virtualNetworks/vnet-edge-l3';
  });
  expectFinding(check(s), { rule: 'private-cluster-dns', level: 'l3', message: /is not linked to vnet-edge-l4/, file: /stacks\/l4\/cdk\.tf\.json$/ });
});

test('a missing Private DNS Zone Contributor fails, naming the level', () => {
  editTerraform(s, 'l3', (json) => dropRole(json, 'Private DNS Zone Contributor'));
  const report = check(s);
  expectFinding(report, {
    rule: 'private-cluster-dns',
    level: 'l3',
    message: /has no 'Private DNS Zone Contributor' on the zone privatelink\.westeurope\.azmk8s\.io/,
  });
  expect(
    errorsOf(report)
      .filter((f) => f.rule === 'private-cluster-dns')
      .map((f) => f.level),
  ).toEqual(['l3']);
});

test('a missing Network Contributor on the VNET fails', () => {
  editTerraform(s, 'l2', (json) => dropRole(json, 'Network Contributor'));
  expectFinding(check(s), { rule: 'private-cluster-dns', level: 'l2', message: /has no 'Network Contributor' on the VNET vnet-edge-l2/ });
});

test('a cluster that does not wait for its rights fails', () => {
  editTerraform(s, 'l3', (json) => (cluster(json).depends_on = cluster(json).depends_on.filter((d: string) => !d.includes('private-dns'))));
  expectFinding(check(s), {
    rule: 'private-cluster-dns',
    level: 'l3',
    message: /does not depend on azurerm_role_assignment\..*'Private DNS Zone Contributor'/,
  });
});

test("AKS's 'System' zone fails below the top (linked only to the cluster's own VNET), and passes where that VNET is the resolver's", () => {
  editTerraform(s, 'l3', (json) => (cluster(json).private_dns_zone_id = 'System'));
  editTerraform(s, 'l4', (json) => (cluster(json).private_dns_zone_id = 'System'));
  const report = check(s);
  expectFinding(report, {
    rule: 'private-cluster-dns',
    level: 'l3',
    message: /private_dns_zone_id is 'System': AKS links its zone only to the cluster's own VNET/,
  });
  expect(
    errorsOf(report)
      .filter((f) => f.rule === 'private-cluster-dns')
      .map((f) => f.level),
  ).toEqual(['l3']);
});

test("'None' fails (no private record of the API server)", () => {
  editTerraform(s, 'l2', (json) => (cluster(json).private_dns_zone_id = 'None'));
  expectFinding(check(s), { rule: 'private-cluster-dns', level: 'l2', message: /private_dns_zone_id is 'None'/ });
});

test('a dnsmasq that stops forwarding the zone upwards fails (dnsmasq-unlisted: the zone is declared for a private cluster)', () => {
  editConfigMapKey(s, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (conf) => conf.replace(/^server=\/privatelink\.westeurope\.azmk8s\.io\/.*\n/m, ''));
  const report = check(s);
  const hit = errorsOf(report).find((f) => f.rule === 'dnsmasq-unlisted' && f.level === 'l3' && f.name === ZONE);
  expect(hit?.message).toMatch(/must be forwarded to 172\.16\.64\.5, dnsmasq answers NXDOMAIN/);
  expect(hit?.source?.file).toMatch(/manifests\/l3\/dnsmasq\.yaml$/);
});

test('every dnsmasq forwards the zone to the level above, and none drops private answers (no stop-dns-rebind)', () => {
  const upstream: Record<string, string> = { l4: '172.16.192.4', l3: '172.16.64.5' };
  for (const [level, ip] of Object.entries(upstream)) {
    const text = readFileSync(`${fresh.manifestsOut}/${level}/dnsmasq.yaml`, 'utf8');
    expect(text).toContain(`server=/${ZONE}/${ip}\n`);
    expect(text).not.toMatch(/stop-dns-rebind|rebind-domain-ok/);
  }
});
