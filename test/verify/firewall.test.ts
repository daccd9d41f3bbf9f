/**
 * The firewall as `check` sees it: examples/firewall-top.yaml synthesized, checked clean,
 * then one planted defect per test in its cdk.tf.json (an extra FQDN, a `*` rule, a broad
 * network rule, an FQDN tag, a missing route, no final deny, the DNS proxy off, a listed
 * name dropped), each making `check` fail and name the rule, level and file. `explain`
 * shows the firewall hop with the rule that decided.
 */
import { explainArtifacts, Finding, Report } from '../../lib/verify';
import { loadConfig } from '../../lib/model';
import {
  check,
  expectCompliant,
  cleanup,
  editTerraform,
  errorsOf,
  expectFinding as expectFindingIn,
  plantedDefectSuite,
  allowListAppRules,
  ruleCollectionGroup,
  Synthesized,
  synthFresh,
  WantedFinding,
} from './verify-helpers';

const EXAMPLE = 'examples/firewall-top.yaml';
const TOP_FILE = /cdktf\.out\/stacks\/l4\/cdk\.tf\.json$/;
const current = plantedDefectSuite(EXAMPLE);
let s: Synthesized;
beforeEach(() => {
  s = current();
});

/** A finding of the top stack's firewall: its source is the top stack's file. */
const expectFinding = (report: Report, want: WantedFinding): Finding => expectFindingIn(report, { file: TOP_FILE, ...want });

test('the example passes check, with every firewall rule applied', () => {
  expectCompliant(check(s), [
    'firewall-present',
    'firewall-route',
    'firewall-allowed',
    'firewall-denied',
    'firewall-rules-listed',
    'firewall-final-deny',
    'lower-level-egress',
    'nsg-platform-dns',
  ]);
});

test('an extra FQDN in an application rule fails, naming the rule', () => {
  editTerraform(s, 'l4', (json) => allowListAppRules(json)[0].destination_fqdns.push('evil.example.org'));
  const report = check(s);
  expectFinding(report, {
    rule: 'firewall-rules-listed',
    level: 'l4',
    name: 'evil.example.org',
    message: /application rule '.*' \(collection 'allow-list-https'\) allows evil\.example\.org on port 443: not on the allow-list/,
  });
  expectFinding(report, {
    rule: 'firewall-denied',
    name: 'evil.example.org',
    message: /evil\.example\.org:443 passes the firewall \(not on the allow-list\): application rule/,
  });
});

test('a * rule fails (every name passes)', () => {
  editTerraform(s, 'l4', (json) => (allowListAppRules(json)[0].destination_fqdns = ['*']));
  const report = check(s);
  expectFinding(report, { rule: 'firewall-rules-listed', message: /allows every name \(destination FQDN '\*'\) on port 443/ });
  expectFinding(report, { rule: 'firewall-denied', name: 'unlisted.le-probe.net', message: /passes the firewall/ });
});

test('a look-alike pattern (*b.com) fails', () => {
  editTerraform(s, 'l4', (json) => {
    const rule = allowListAppRules(json).find((r: any) => r.destination_fqdns[0] === 'github.com');
    rule.destination_fqdns = ['*github.com'];
  });
  expectFinding(check(s), { rule: 'firewall-denied', name: 'lookalikegithub.com', message: /passes the firewall/ });
});

test('a broad network rule on 443 fails: it bypasses every FQDN rule', () => {
  editTerraform(s, 'l4', (json) => {
    const g = ruleCollectionGroup(json, 'allow-list');
    g.network_rule_collection[0].rule.push({
      name: 'allow-web',
      protocols: ['TCP'],
      source_addresses: ['*'],
      destination_addresses: ['*'],
      destination_ports: ['443'],
    });
  });
  const report = check(s);
  expectFinding(report, {
    rule: 'firewall-rules-listed',
    message: /network rule 'allow-web' .* allows destination address '\*': a network rule by address bypasses every FQDN rule/,
  });
  expectFinding(report, { rule: 'firewall-denied', name: 'unlisted.le-probe.net', message: /network rule 'allow-web'/ });
});

test('an FQDN tag fails', () => {
  editTerraform(s, 'l4', (json) => (allowListAppRules(json)[0].destination_fqdn_tags = ['AzureKubernetesService']));
  expectFinding(check(s), { rule: 'firewall-rules-listed', message: /FQDN tag\(s\) AzureKubernetesService/ });
});

test('a missing route to the firewall fails', () => {
  editTerraform(s, 'l4', (json) => delete json.resource.azurerm_route);
  expectFinding(check(s), { rule: 'firewall-route', level: 'l4', message: /0\.0\.0\.0\/0 route must go to the firewall \(172\.16\.192\.4\); found: none/ });
});

test('a route to somewhere else fails', () => {
  editTerraform(s, 'l4', (json) => {
    const route: any = Object.values(json.resource.azurerm_route)[0];
    route.next_hop_type = 'Internet';
    delete route.next_hop_in_ip_address;
  });
  expectFinding(check(s), { rule: 'firewall-route', message: /found: Internet/ });
});

test('no final deny fails: the infrastructure FQDN collection would still allow Azure platform names', () => {
  editTerraform(s, 'l4', (json) => {
    const key = Object.entries(json.resource.azurerm_firewall_policy_rule_collection_group).find(([, g]: any) => g.name === 'final-deny')![0];
    delete json.resource.azurerm_firewall_policy_rule_collection_group[key];
  });
  expectFinding(check(s), { rule: 'firewall-final-deny', level: 'l4', message: /no explicit deny-all/ });
});

test('the DNS proxy switched off fails, and the top VNET then resolves through nothing the config declares', () => {
  editTerraform(s, 'l4', (json) => (Object.values(json.resource.azurerm_firewall_policy as Record<string, any>)[0].dns.proxy_enabled = false));
  const report = check(s);
  expectFinding(report, { rule: 'firewall-present', message: /DNS proxy is off/ });
  expect(errorsOf(report).some((f) => f.rule === 'vnet-dns' && f.level === 'l4')).toBe(true);
});

test('a listed name dropped from the firewall fails at the firewall and on the proxy path', () => {
  editTerraform(s, 'l4', (json) => {
    const c = ruleCollectionGroup(json, 'allow-list').application_rule_collection[0];
    c.rule = c.rule.filter((r: any) => r.destination_fqdns[0] !== 'github.com');
  });
  const report = check(s);
  const hit = expectFinding(report, {
    rule: 'firewall-allowed',
    name: 'github.com',
    message: /github\.com:443 is listed but the firewall denies it .*deny-all-names/,
  });
  expect(hit.port).toBe(443);
  expect(errorsOf(report).some((f) => f.rule === 'envoy-allowed-routes' && f.name === 'github.com')).toBe(true);
});

test('explain shows the firewall hop and the rule that decided', () => {
  const allowed = explainArtifacts(s.model, s.cdktfOut, s.manifestsOut, 'github.com', 'l2');
  expect(allowed.ok).toBe(true);
  expect(allowed.text).toMatch(/l4 Azure Firewall: allowed by application rule 'https-443-github\.com' in collection 'allow-list-https'/);
  const denied = explainArtifacts(s.model, s.cdktfOut, s.manifestsOut, 'unlisted.le-probe.net', 'l4');
  expect(denied.text).toMatch(/Azure Firewall: denied: application rule 'deny-all-names' in collection 'deny-everything-else'/);
});

test('a config that asks for a firewall fails against output that has none', () => {
  const plain = synthFresh(loadConfig('infra/egress.yaml'));
  try {
    const report = check({ ...plain, model: loadConfig(EXAMPLE) });
    expect(errorsOf(report).find((f) => f.rule === 'firewall-present')?.message).toMatch(
      /the config places a firewall \(top\) but no azurerm_firewall is in the stacks/,
    );
  } finally {
    cleanup(plain);
  }
});
