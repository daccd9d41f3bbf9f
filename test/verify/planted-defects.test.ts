/**
 * Planted defects: each test mutates freshly synthesized output the way a renderer bug
 * or a hand edit would, and asserts that `check` fails and names the defect (rule,
 * level, layer, name, file). The list mirrors issue 5 and defects seen in published
 * allow-lists (trailing slashes, unescaped regex dots, copy-pasted cluster names, test
 * domains left in; the engine rules behind them: docs/semantics.md).
 */
import { Finding, Report } from '../../lib/verify';
import { check, cleanup, copyOf, editConfigMapKey, editEnvoy, editManifest, editTerraform, errorsOf, Synthesized, synthFresh } from './verify-helpers';

let fresh: Synthesized;
let s: Synthesized;

beforeAll(() => {
  fresh = synthFresh();
});
afterAll(() => cleanup(fresh));
beforeEach(() => {
  s = copyOf(fresh);
});
afterEach(() => cleanup(s));

function expectFinding(report: Report, want: Omit<Partial<Finding>, 'message'> & { file?: RegExp; message?: RegExp }): void {
  const hit = errorsOf(report).find(
    (f) =>
      (!want.rule || f.rule === want.rule) &&
      (!want.level || f.level === want.level) &&
      (!want.layer || f.layer === want.layer) &&
      (!want.name || f.name === want.name) &&
      (!want.file || want.file.test(f.source?.file ?? '')) &&
      (!want.message || want.message.test(f.message)),
  );
  expect(report.ok).toBe(false);
  if (!hit)
    throw new Error(
      `no finding like ${JSON.stringify({ ...want, file: String(want.file), message: String(want.message) })}; got:\n${errorsOf(report)
        .slice(0, 10)
        .map((f) => `${f.rule} ${f.level} ${f.layer} ${f.name} ${f.message}`)
        .join('\n')}`,
    );
}

test('the unmodified output passes', () => {
  const report = check(s);
  expect(errorsOf(report)).toEqual([]);
  expect(report.ok).toBe(true);
});

test('1. a name missing from one artifact (l3 dnsmasq lost github.com)', () => {
  editConfigMapKey(s, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => t.replace(/^host-record=github\.com,.*\n/m, '').replace(/^local=\/github\.com\/\n/m, ''));
  expectFinding(check(s), { rule: 'dnsmasq-allowed', level: 'l3', layer: 'dnsmasq', name: 'github.com', file: /l3\/dnsmasq\.yaml$/ });
});

test('1b. a name missing from one artifact (l2 CoreDNS lost github.com)', () => {
  editConfigMapKey(s, 'l2', 'coredns.yaml', 'layered-egress.override', (t) => t.replace(/^rewrite name exact github\.com .*\n/m, ''));
  expectFinding(check(s), { rule: 'coredns-allowed', level: 'l2', layer: 'coredns', name: 'github.com', file: /l2\/coredns\.yaml$/ });
});

test('2. address= for an exact entry over-matches its subdomains', () => {
  editConfigMapKey(s, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => t.replace(/^host-record=github\.com,(.*)$/m, 'address=/github.com/$1'));
  expectFinding(check(s), { rule: 'dnsmasq-denied', level: 'l3', name: 'le-probe.github.com', message: /exact-subdomain/ });
});

test('3. a missing local= leaks AAAA upstream (with strict mode off: strict answers unlisted types from address=/#/)', () => {
  editConfigMapKey(s, 'l4', 'dnsmasq.yaml', 'dnsmasq.conf', (t) =>
    t.replace(/^local=\/github\.com\/\n/m, '').replace(/^address=\/#\/$/m, 'server=168.63.129.16'),
  );
  expectFinding(check(s), { rule: 'dnsmasq-aaaa-leak', level: 'l4', name: 'github.com', message: /AAAA.*forwarded upstream/ });
});

test('4. a catch-all address=/#/<ip> resolves everything to the proxy', () => {
  editConfigMapKey(s, 'l4', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => `${t}address=/#/172.16.64.4\n`);
  expectFinding(check(s), { rule: 'dnsmasq-denied', level: 'l4', name: 'unlisted.le-probe.net' });
});

test('5. an unanchored CoreDNS regex matches search-path and foreign names', () => {
  editConfigMapKey(s, 'l2', 'coredns.yaml', 'layered-egress.override', (t) =>
    t.replace('^(?:[^.]+\\.)+data\\.mcr\\.microsoft\\.com\\.$', '(.*)data\\.mcr\\.microsoft\\.com'),
  );
  const report = check(s);
  expectFinding(report, { rule: 'coredns-denied', level: 'l2', name: 'le-probe.data.mcr.microsoft.com.egress.svc.cluster.local', file: /l2\/coredns\.yaml$/ });
  expectFinding(report, { rule: 'coredns-denied', level: 'l2', name: 'data.mcr.microsoft.com.le-probe-evil.net' });
});

test('6. an Envoy upstream at the wrong IP', () => {
  editEnvoy(s, 'l3', (b) => {
    for (const c of b.static_resources.clusters)
      for (const e of c.load_assignment?.endpoints ?? [])
        for (const lb of e.lb_endpoints)
          if (lb.endpoint.address.socket_address.address === '172.16.64.4') lb.endpoint.address.socket_address.address = '172.16.64.9';
  });
  expectFinding(check(s), { rule: 'envoy-allowed-routes', level: 'l3', layer: 'envoy', name: 'github.com', message: /172\.16\.64\.9.*not to the parent l4/ });
});

test('7. a default_filter_chain forwards names outside the allow-list', () => {
  editEnvoy(s, 'l3', (b) => {
    const l = b.static_resources.listeners.find((x: any) => x.name === 'egress_443');
    l.default_filter_chain = { filters: l.filter_chains[0].filters };
  });
  const report = check(s);
  expectFinding(report, { rule: 'envoy-listener-valid', level: 'l3', message: /default_filter_chain/ });
  expectFinding(report, { rule: 'envoy-denied-routes', level: 'l3', name: 'unlisted.le-probe.net', port: 443 });
});

test('8. a lower VNET DNS server pointing elsewhere', () => {
  editTerraform(s, 'l2', (j) => {
    j.resource.azurerm_virtual_network.vnet.dns_servers = ['168.63.129.16'];
  });
  expectFinding(check(s), { rule: 'vnet-dns', level: 'l2', layer: 'vnet-dns', file: /stacks\/l2\/cdk\.tf\.json$/ });
});

test('9. an NSG without the DNS allow', () => {
  editTerraform(s, 'l3', (j) => {
    const rules = j.resource.azurerm_network_security_rule;
    for (const k of Object.keys(rules)) if (rules[k].name === 'allow-dns-udp-to-l4') delete rules[k];
  });
  expectFinding(check(s), { rule: 'nsg-dns-hops', level: 'l3', layer: 'nsg', message: /Udp 53/ });
});

test('10. a duplicate server name across chains makes Envoy reject the listener', () => {
  editEnvoy(s, 'l4', (b) => {
    const l = b.static_resources.listeners.find((x: any) => x.name === 'egress_443');
    const named = l.filter_chains.find((c: any) => c.filter_chain_match?.server_names?.includes('github.com'));
    l.filter_chains.push({ ...named, name: 'copy', filter_chain_match: { server_names: ['GitHub.com'] } });
  });
  const report = check(s);
  expectFinding(report, { rule: 'envoy-listener-valid', level: 'l4', message: /overlapping matching rules/ });
  expectFinding(report, { rule: 'envoy-allowed-routes', level: 'l4', name: 'management.azure.com', message: /rejects listener/ });
});

test('11. load_assignment.cluster_name copy-pasted from another cluster', () => {
  editEnvoy(s, 'l3', (b) => {
    b.static_resources.clusters.find((c: any) => c.name === 'parent_8084').load_assignment.cluster_name = 'parent_443';
  });
  expectFinding(check(s), { rule: 'envoy-clusters-consistent', level: 'l3', message: /parent_8084.*cluster_name 'parent_443'/ });
});

test('12. a trailing slash in a CoreDNS name (graph.microsoft.com/)', () => {
  editConfigMapKey(s, 'l3', 'coredns.yaml', 'layered-egress.override', (t) =>
    t.replace('rewrite name exact graph.microsoft.com ', 'rewrite name exact graph.microsoft.com/ '),
  );
  expectFinding(check(s), { rule: 'coredns-allowed', level: 'l3', name: 'graph.microsoft.com' });
});

test('13. a look-alike wildcard *b.com in dnsmasq', () => {
  editConfigMapKey(s, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => t.replace('/*.blob.core.windows.net/', '/*blob.core.windows.net/'));
  expectFinding(check(s), { rule: 'dnsmasq-denied', level: 'l3', name: 'lookalikeblob.core.windows.net' });
});

test('14. a peering that skips a level', () => {
  editTerraform(s, 'l2', (j) => {
    const peerings = j.resource.azurerm_virtual_network_peering;
    const key = Object.keys(peerings).find((k) => peerings[k].name === 'peer-l2-to-l3')!;
    peerings.skip = {
      ...peerings[key],
      name: 'peer-l2-to-l4',
      remote_virtual_network_id: '/subscriptions/x/resourceGroups/rg-edge-l4/providers/Microsoft.Network/virtualNetworks/vnet-edge-l4',
    };
  });
  expectFinding(check(s), { rule: 'peering-adjacent', level: 'l2', message: /not adjacent/ });
});

test('15. a lower level NSG that lets nodes out to the internet', () => {
  editTerraform(s, 'l2', (j) => {
    const rules = j.resource.azurerm_network_security_rule;
    for (const k of Object.keys(rules)) if (rules[k].name === 'deny-internet-outbound') delete rules[k];
  });
  expectFinding(check(s), { rule: 'nsg-lower-internet', level: 'l2', message: /internet directly on Tcp 443/ });
});

test('16. an image from a registry no level can reach', () => {
  editManifest(s, 'l2', 'envoy.yaml', (docs) => {
    const d = docs.find((x) => x?.kind === 'Deployment');
    d.spec.template.spec.containers[0].image = 'quay.io/envoyproxy/envoy:v1.34.1';
  });
  expectFinding(check(s), { rule: 'images-reachable', level: 'l2', layer: 'images', name: 'quay.io' });
});

test('17. the Envoy Service at an IP other than the plan', () => {
  editManifest(s, 'l4', 'envoy.yaml', (docs) => {
    const svc = docs.find((x) => x?.kind === 'Service' && x.spec?.type === 'LoadBalancer');
    svc.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4'] = '172.16.64.40';
  });
  const report = check(s);
  expectFinding(report, { rule: 'service-addresses', level: 'l4', layer: 'service', message: /172\.16\.64\.40.*plan says 172\.16\.64\.4/ });
  expectFinding(report, { rule: 'envoy-allowed-routes', level: 'l4', layer: 'service', name: 'github.com' });
});

test('18. missing output is a violation, not a skip (no Envoy config at l3)', () => {
  editManifest(s, 'l3', 'envoy.yaml', (docs) => {
    const cm = docs.find((x) => x?.kind === 'ConfigMap');
    cm.data = { 'other.yaml': '{}' };
  });
  expectFinding(check(s), { rule: 'artifacts-present', level: 'l3', layer: 'artifacts', message: /envoy\.yaml/ });
});
