/**
 * One passing and one failing case per rule, on the small hand-written fixture.
 */
import { ALL_RULES } from '../../lib/verify';
import { checkContext } from '../../lib/verify/rules';
import { Rule } from '../../lib/verify/rules/rule';
import { RuleResult } from '../../lib/verify/types';
import { buildWorld } from '../../lib/verify/world';
import { artifactsOf, editFixtureEnvoy, Fixture, fixture, obj } from './fixture';

function run(rule: Rule, fx: Fixture): RuleResult {
  return rule.evaluate(checkContext(buildWorld(fx.intent, artifactsOf(fx))));
}

function rule(id: string): Rule {
  const r = ALL_RULES.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

function expectFail(result: RuleResult, message: RegExp, extra: { level?: string; name?: string } = {}): void {
  expect(result.status).toBe('non-compliant');
  const findings = result.status === 'non-compliant' ? result.findings : [];
  const hit = findings.find((f) => message.test(f.message) && (!extra.level || f.level === extra.level) && (!extra.name || f.name === extra.name));
  if (!hit)
    throw new Error(`no finding matching ${message} ${JSON.stringify(extra)} in:\n${findings.map((f) => `${f.level} ${f.name} ${f.message}`).join('\n')}`);
  expect(hit.source?.file).toBeTruthy();
}

const cases: Record<string, { fail: (fx: Fixture) => void; message: RegExp; level?: string; name?: string }> = {
  'artifacts-present': {
    fail: (fx) => (fx.manifests.down = fx.manifests.down.filter((d) => d.metadata.name !== 'coredns-custom')),
    message: /coredns-custom/,
    level: 'down',
  },
  'coredns-allowed': {
    fail: (fx) => (obj(fx, 'down', 'ConfigMap', 'coredns-custom').data['egress.override'] = 'rewrite name exact a.b.com envoy.egress.svc.cluster.local'),
    message: /not rewritten/,
    name: 'le-probe.w.com',
  },
  'coredns-denied': {
    fail: (fx) => (obj(fx, 'down', 'ConfigMap', 'coredns-custom').data['egress.override'] += '\nrewrite name suffix w.com envoy.egress.svc.cluster.local'),
    message: /look-alike/,
    name: 'lookalikew.com',
  },
  'coredns-syntax': {
    fail: (fx) =>
      (obj(fx, 'up', 'ConfigMap', 'coredns-custom').data['egress.override'] =
        'rewrite name regex ^(?:[^.]+\\.)+w\\.com\\.$ envoy.egress.svc.cluster.local.\nhosts {\n 1.2.3.4 x.com\n}'),
    message: /answer auto|hosts/,
    level: 'up',
  },
  'dnsmasq-allowed': {
    fail: (fx) =>
      (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] = 'no-resolv\nserver=168.63.129.16\nhost-record=a.b.com,10.1.64.4\nlocal=/a.b.com/\n'),
    message: /forwards it upstream/,
    name: 'le-probe.w.com',
  },
  'dnsmasq-denied': {
    fail: (fx) => (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] += 'address=/w.com/10.1.64.4\n'),
    message: /wildcard-apex/,
    name: 'w.com',
  },
  'dnsmasq-aaaa-leak': {
    fail: (fx) =>
      (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] =
        'server=168.63.129.16\nno-resolv\nhost-record=a.b.com,10.1.64.4\naddress=/*.w.com/10.1.64.4\nlocal=/*.w.com/\n'),
    message: /AAAA .*forwarded/,
    name: 'a.b.com',
  },
  'envoy-listener-valid': {
    fail: (fx) => editFixtureEnvoy(fx, 'up', (b) => (b.static_resources.listeners[0].listener_filters = [])),
    message: /tls_inspector/,
    level: 'up',
  },
  'envoy-clusters-consistent': {
    fail: (fx) => editFixtureEnvoy(fx, 'up', (b) => (b.static_resources.clusters[1].cluster_type.typed_config.dns_cache_config = { name: 'other' })),
    message: /dns_cache_config/,
    level: 'up',
  },
  'envoy-allowed-routes': {
    fail: (fx) =>
      editFixtureEnvoy(
        fx,
        'up',
        (b) => (b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = 'x.b.com'),
      ),
    message: /connects to x\.b\.com, not to the requested name/,
    name: 'a.b.com',
  },
  'envoy-denied-routes': {
    fail: (fx) => editFixtureEnvoy(fx, 'down', (b) => b.static_resources.listeners[0].filter_chains[0].filter_chain_match.server_names.push('*.b.com')),
    message: /forwarded by chain/,
    name: 'le-probe.a.b.com',
  },
  'envoy-upstream-dns': { fail: (fx) => delete obj(fx, 'up', 'Deployment', 'envoy').spec.template.spec.dnsPolicy, message: /loop/, level: 'up' },
  'service-addresses': {
    fail: (fx) => delete obj(fx, 'up', 'Service', 'dnsmasq').metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-internal'],
    message: /not an internal load balancer/,
    level: 'up',
  },
  'vnet-dns': {
    fail: (fx) => (fx.terraform.down.resource.azurerm_virtual_network.vnet.dns_servers = ['10.1.64.9']),
    message: /expected \[10\.1\.64\.5\]/,
    level: 'down',
  },
  'nsg-dns-hops': {
    fail: (fx) => {
      const rules = fx.terraform.up.resource.azurerm_network_security_rule;
      rules.dns_in.protocol = 'Udp';
      rules.deny = {
        ...rules.dns_in,
        name: 'deny-other-levels',
        priority: 4000,
        access: 'Deny',
        protocol: '*',
        destination_address_prefix: '*',
        destination_port_range: '*',
      };
    },
    message: /Tcp 53.*deny-other-levels/,
    level: 'up',
  },
  'nsg-lower-internet': { fail: (fx) => delete fx.terraform.down.resource.azurerm_network_security_rule.deny, message: /internet directly/, level: 'down' },
  'nsg-platform-dns': {
    fail: (fx) => delete fx.terraform.down.resource.azurerm_network_security_rule.azure_dns,
    message: /no rule of NSG nsg-down denies the AzurePlatformDNS service tag on Udp 53/,
    level: 'down',
  },
  'lower-level-egress': {
    fail: (fx) => (fx.terraform.down.resource.azurerm_kubernetes_cluster.aks.network_profile.outbound_type = 'loadBalancer'),
    message: /cluster aks-down has outbound type loadBalancer: .*must be userDefinedRouting/,
    level: 'down',
  },
  'nsg-rules-valid': {
    fail: (fx) => (fx.terraform.down.resource.azurerm_network_security_rule.dns_out.priority = 100),
    message: /share Outbound priority 100/,
    level: 'down',
  },
  'peering-adjacent': {
    fail: (fx) => delete fx.terraform.down.resource.azurerm_virtual_network_peering.from_parent,
    message: /no azurerm_virtual_network_peering from up to down/,
    level: 'up',
  },
  'coredns-names-listed': {
    fail: (fx) => (obj(fx, 'down', 'ConfigMap', 'coredns-custom').data['egress.override'] += '\nrewrite name exact evil.com envoy.egress.svc.cluster.local'),
    message: /evil\.com is rewritten .*not on the allow-list/,
    level: 'down',
    name: 'evil.com',
  },
  'dnsmasq-names-listed': {
    fail: (fx) => (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] += 'address=/#/10.9.9.9\n'),
    message: /every name \(address=\/#\/ catch-all\) is answered 10\.9\.9\.9/,
    level: 'up',
  },
  'dnsmasq-upstreams': {
    fail: (fx) => (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] += 'server=/corp.example.net/10.9.9.9\n'),
    message: /forwards zone corp\.example\.net to 10\.9\.9\.9, the config declares upstream 168\.63\.129\.16/,
    level: 'up',
  },
  'dnsmasq-unlisted': {
    fail: (fx) => (obj(fx, 'up', 'ConfigMap', 'dnsmasq-config').data['dnsmasq.conf'] += 'local=/le-probe.net/\n'),
    message: /non-strict mode: unlisted name .* must be forwarded to 168\.63\.129\.16, dnsmasq answers NXDOMAIN/,
    level: 'up',
    name: 'unlisted.le-probe.net',
  },
  'envoy-names-listed': {
    fail: (fx) => editFixtureEnvoy(fx, 'down', (b) => b.static_resources.listeners[0].filter_chains[0].filter_chain_match.server_names.push('evil.com')),
    message: /evil\.com is forwarded by listener egress_443 chain 0 \(up\).*on port 443: not on the allow-list/,
    level: 'down',
    name: 'evil.com',
  },
  'nsg-rules-listed': {
    fail: (fx) =>
      (fx.terraform.down.resource.azurerm_network_security_rule.open = {
        ...fx.terraform.down.resource.azurerm_network_security_rule.envoy_out,
        name: 'allow-web',
        priority: 150,
        destination_address_prefix: 'Internet',
        destination_port_range: '80',
      }),
    message: /allow-web .*reach Internet directly/,
    level: 'down',
  },
  'images-reachable': {
    fail: (fx) => (obj(fx, 'down', 'Deployment', 'envoy').spec.template.spec.containers[0].image = 'ghcr.io/x/envoy:1'),
    message: /ghcr\.io/,
    level: 'down',
  },
};

// The firewall rules need a firewall, which the small fixture has not: they are proven on
// synthesized firewall output with planted defects in test/verify/firewall.test.ts. Here
// they must stay quiet (not applicable) on a config without one. Likewise private-cluster-dns,
// which needs a private cluster (test/verify/private-cluster.test.ts), and nsg-hub-sealed,
// which needs a hub (test/verify/hub-spoke.test.ts).
const FIREWALL_RULES = ALL_RULES.filter((r) => r.id.startsWith('firewall-') || r.id === 'private-cluster-dns' || r.id === 'nsg-hub-sealed');
test.each(FIREWALL_RULES.map((r) => [r.id]))('%s is not applicable without a firewall (or a private cluster)', (id) => {
  expect(run(rule(id), fixture()).status).toBe('not-applicable');
});

describe.each(ALL_RULES.filter((r) => !FIREWALL_RULES.includes(r)).map((r) => [r.id]))('%s', (id) => {
  test('passes on the compliant fixture', () => {
    const result = run(rule(id), fixture());
    expect(
      result.status === 'non-compliant' ? result.findings.filter((f) => f.severity === 'error').map((f) => `${f.level} ${f.name} ${f.message}`) : [],
    ).toEqual([]);
  });
  test('fails on the broken fixture, naming level, name and file', () => {
    const c = cases[id];
    expect(c).toBeDefined();
    const fx = fixture();
    c.fail(fx);
    expectFail(run(rule(id), fx), c.message, { level: c.level, name: c.name });
  });
});

test('every rule has a failing case (the firewall and hub rules in firewall.test.ts and hub-spoke.test.ts, one planted defect each)', () => {
  expect(Object.keys(cases).sort()).toEqual(
    ALL_RULES.filter((r) => !FIREWALL_RULES.includes(r))
      .map((r) => r.id)
      .sort(),
  );
  const planted = ['firewall.test.ts', 'hub-spoke.test.ts', 'private-cluster.test.ts']
    .map((file) => require('node:fs').readFileSync(require('node:path').join(__dirname, file), 'utf8') as string)
    .join('\n');
  for (const r of FIREWALL_RULES) expect([r.id, planted.includes(`rule: '${r.id}'`)]).toEqual([r.id, true]);
});
