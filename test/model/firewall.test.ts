/** The `firewall:`, `hub:` and `allowList[].tlsInspection` keys: defaults, address plan and every refusal, with file and line. */
import { buildFirewallModel, loadConfig, parseConfig } from '../../lib/model';
import { BASE } from '../support/configs';
import { configIssues } from '../support/problems';
import { cidrContains, cidrLast, cidrsOverlap, parseCidr } from '../../lib/model/ipv4';

const KV = 'https://kv-egress.vault.azure.net/secrets/firewall-ca';
const withFirewall = (firewall: string, extra = '', base = BASE) => `${base}${extra}firewall:\n${firewall.replace(/^/gm, '  ')}\n`;
const issues = configIssues;
const cidr = (text: string) => (parseCidr(text) as { ok: true; value: { network: number; prefix: number } }).value;
const entries = (yaml: string) => BASE.replace('  - domain: mcr.microsoft.com\n', yaml);

describe('no firewall: nothing changes', () => {
  test('the default config has no firewall and keeps its load balancer egress and Azure DNS', () => {
    const model = loadConfig('infra/egress.yaml');
    expect(model.firewall).toBeUndefined();
    expect(model.cluster.outboundType).toBe('loadBalancer');
    expect(model.workloads.envoy.upstreamDns).toEqual(['168.63.129.16']);
    expect(model.allowEntries.every((e) => e.tlsInspection === false)).toBe(true);
  });
});

describe('placement top', () => {
  test('defaults: Premium, threat intel Deny, IDPS Alert, one public IP, no TLS inspection', () => {
    const model = parseConfig(withFirewall('placement: top'), 'egress.yaml');
    expect(model.firewall).toEqual({
      placement: 'top',
      sku: 'Premium',
      threatIntel: 'Deny',
      idps: 'Alert',
      publicIps: 1,
      tls: undefined,
      addresses: { subnet: { name: 'AzureFirewallSubnet', cidr: '172.16.192.0/26' }, privateIp: '172.16.192.4' },
    });
  });

  test('Standard defaults IDPS to Off', () => {
    expect(parseConfig(withFirewall('placement: top\nsku: Standard'), 'egress.yaml').firewall?.idps).toBe('Off');
  });

  test("the firewall takes the first /26 of the top level's last quarter, also for the smallest level (/22)", () => {
    const small = BASE.replace('172.16.0.0/16', '10.8.4.0/22');
    const model = parseConfig(withFirewall('placement: top', '', small), 'egress.yaml');
    expect(model.firewall?.addresses).toEqual({ subnet: { name: 'AzureFirewallSubnet', cidr: '10.8.7.0/26' }, privateIp: '10.8.7.4' });
    // the nodes and load balancers keep their plan
    expect(model.levels[0].addresses.nodeSubnet.cidr).toBe('10.8.4.0/24');
    expect(model.levels[0].addresses.loadBalancerSubnet.cidr).toBe('10.8.5.0/24');
  });

  test('the top level routes through the firewall and resolves through its DNS proxy', () => {
    const model = parseConfig(withFirewall('placement: top'), 'egress.yaml');
    expect(model.cluster.outboundType).toBe('userDefinedRouting');
    expect(model.workloads.envoy.upstreamDns).toEqual(['172.16.192.4']);
    expect(model.workloads.dnsmasq.upstreamDns).toBe('172.16.192.4');
  });

  test('tlsInspection with Premium and a Key Vault secret is accepted', () => {
    const text = withFirewall(`placement: top\ntls:\n  keyVaultSecretId: ${KV}`, '', entries('  - domain: management.azure.com\n    tlsInspection: true\n'));
    const model = parseConfig(text, 'egress.yaml');
    expect(model.allowEntries).toEqual([expect.objectContaining({ pattern: 'management.azure.com', tlsInspection: true })]);
    expect(model.firewall?.tls).toEqual({ keyVaultSecretId: KV });
  });
});

describe('refusals name the file, line, key and rule, all at once', () => {
  test('tlsInspection without a firewall', () => {
    expect(issues(entries('  - domain: management.azure.com\n    tlsInspection: true\n'))).toEqual([
      expect.stringMatching(
        /^egress\.yaml:10: allowList\[0\]\.tlsInspection true: TLS inspection is done by Azure Firewall Premium: add a 'firewall:' section/,
      ),
    ]);
  });

  test('tlsInspection with Standard, without tls, on a non-443 port and on an AKS API server', () => {
    const list = entries(
      '  - domain: a.contoso.com\n    tlsInspection: true\n' +
        '  - domain: b.contoso.com\n    ports: [443, 8443]\n    tlsInspection: true\n' +
        '  - domain: "*.hcp.westeurope.azmk8s.io"\n    tlsInspection: true\n',
    );
    const found = issues(withFirewall('placement: top\nsku: Standard', '', list));
    expect(found).toEqual([
      expect.stringMatching(/^egress\.yaml:10: allowList\[0\]\.tlsInspection true: TLS inspection needs firewall\.sku 'Premium'/),
      expect.stringMatching(/^egress\.yaml:13: allowList\[1\]\.tlsInspection true: TLS inspection needs firewall\.sku 'Premium'/),
      expect.stringMatching(
        /^egress\.yaml:13: allowList\[1\]\.tlsInspection true: the firewall inspects TLS only in application rules on port 443; port\(s\) 8443/,
      ),
      expect.stringMatching(/^egress\.yaml:15: allowList\[2\]\.tlsInspection true: TLS inspection needs firewall\.sku 'Premium'/),
      expect.stringMatching(/^egress\.yaml:15: allowList\[2\]\.tlsInspection true: '\*\.hcp\.westeurope\.azmk8s\.io' is an AKS API server name/),
    ]);
    const premium = issues(withFirewall('placement: top', '', entries('  - domain: a.contoso.com\n    tlsInspection: true\n')));
    expect(premium).toEqual([
      expect.stringMatching(/^egress\.yaml:10: allowList\[0\]\.tlsInspection true: TLS inspection needs firewall\.tls\.keyVaultSecretId/),
    ]);
  });

  test('IDPS and TLS are Premium features', () => {
    expect(issues(withFirewall(`placement: top\nsku: Standard\nidps: Deny\ntls:\n  keyVaultSecretId: ${KV}`))).toEqual([
      expect.stringMatching(/^egress\.yaml:13: firewall\.idps "Deny": IDPS is an Azure Firewall Premium feature/),
      expect.stringMatching(/^egress\.yaml:14: firewall\.tls: TLS inspection is an Azure Firewall Premium feature/),
    ]);
    expect(issues(withFirewall('placement: top\nsku: Standard\nidps: "Off"'))).toEqual([]);
  });

  test.each([
    ['http://kv.vault.azure.net/secrets/ca', 'not https'],
    ['https://kv.vault.azure.net/keys/ca', 'a key, not a secret'],
    ['https://evil.example.com/secrets/ca', 'not a vault host'],
    ['https://kv-egress.vault.azure.net/secrets/ca\nx', 'a newline'],
    ['https://kv--egress.vault.azure.net/secrets/ca', "'--' in the vault name"],
    ['https://kv-egress.vault.azure.net/secrets/ca/xyz', 'a version that is not 32 hex digits'],
  ])('the Key Vault secret id %j is refused (%s)', (id) => {
    expect(issues(withFirewall(`placement: top\ntls:\n  keyVaultSecretId: ${JSON.stringify(id)}`))).toEqual([
      expect.stringMatching(/^egress\.yaml:13: firewall\.tls\.keyVaultSecretId ".*": must be a Key Vault secret URI/),
    ]);
  });

  test('a versioned Key Vault secret id is accepted', () => {
    expect(issues(withFirewall(`placement: top\ntls:\n  keyVaultSecretId: ${KV}/0123456789abcdef0123456789abcdef`))).toEqual([]);
  });

  test('ports above 64000 are refused with a firewall, and accepted without one', () => {
    const list = entries('  - domain: broker.contoso.com\n    ports: [64001]\n');
    expect(issues(withFirewall('placement: top', '', list))).toEqual([
      expect.stringMatching(/^egress\.yaml:10: allowList\[0\]\.ports 64001: Azure Firewall rules accept destination ports 0-64000 only/),
    ]);
    expect(issues(list)).toEqual([]);
  });

  test('a wildcard on a non-HTTPS port is refused with a firewall (network rules match exact names only)', () => {
    const list = entries('  - domain: "*.servicebus.windows.net"\n    ports: [443, 5671]\n');
    expect(issues(withFirewall('placement: top', '', list))).toEqual([
      expect.stringMatching(
        /^egress\.yaml:9: allowList\[0\]\.domain "\*\.servicebus\.windows\.net": port 5671 is not HTTPS, so the firewall can only allow it with a network rule, and network rules match exact names only/,
      ),
    ]);
    expect(issues(list)).toEqual([]);
  });

  test('options the firewall replaces are refused when set explicitly', () => {
    const extra =
      'cluster:\n  outboundType: loadBalancer\nworkloads:\n  envoy:\n    upstreamDns: [168.63.129.16]\n  dnsmasq:\n    upstreamDns: 168.63.129.16\n';
    expect(issues(withFirewall('placement: top', extra))).toEqual([
      expect.stringMatching(/^egress\.yaml:11: cluster\.outboundType "loadBalancer": with a firewall the top level's nodes leave through it/),
      expect.stringMatching(
        /^egress\.yaml:14: workloads\.envoy\.upstreamDns \["168\.63\.129\.16"\]: with a firewall the top Envoy resolves through the firewall's DNS proxy/,
      ),
      expect.stringMatching(
        /^egress\.yaml:16: workloads\.dnsmasq\.upstreamDns "168\.63\.129\.16": with a firewall the top dnsmasq resolves through the firewall's DNS proxy/,
      ),
    ]);
    expect(issues(withFirewall('placement: top', 'cluster:\n  outboundType: userDefinedRouting\n'))).toEqual([]);
  });

  test('duplicates that disagree on tlsInspection are refused', () => {
    const list = entries('  - domain: a.contoso.com\n    tlsInspection: true\n  - domain: A.contoso.com\n');
    expect(issues(withFirewall(`placement: top\ntls:\n  keyVaultSecretId: ${KV}`, '', list))).toEqual([
      expect.stringMatching(
        /^egress\.yaml:11: allowList\[1\]\.tlsInspection false: duplicates allowList\[0\] \('a\.contoso\.com'\) after normalisation but asks for tlsInspection false/,
      ),
    ]);
  });
});

describe('placement hub', () => {
  const hub = (space: string) => `hub:\n  addressSpace: ${space}\n`;

  test('a hub outside the levels and cluster ranges is accepted', () => {
    expect(issues(withFirewall('placement: hub', hub('10.100.0.0/22')))).toEqual([]);
  });

  test("a level named 'hub' is refused: the hub's stack has that name", () => {
    expect(issues(withFirewall('placement: hub', hub('10.100.0.0/22'), BASE.replace('name: l3', 'name: hub')))).toEqual([
      expect.stringMatching(/^egress\.yaml:6: levels\[1\]\.name "hub": 'hub' is the name of the hub's Terraform stack/),
    ]);
    expect(issues(withFirewall('placement: top', '', BASE.replace('name: l3', 'name: hub')))).toEqual([]);
  });

  test('levels and the hub must use private (IANA) ranges: the firewall would translate the source of a hop to any other', () => {
    expect(issues(withFirewall('placement: hub', hub('10.100.0.0/22'), BASE.replace('172.18.0.0/16', '20.18.0.0/16')))).toEqual([
      expect.stringMatching(
        /^egress\.yaml:7: levels\[1\]\.addressSpace "20\.18\.0\.0\/16": must lie inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10 with firewall\.placement 'hub': .*"Azure Firewall SNAT private IP address ranges"/,
      ),
    ]);
    expect(issues(withFirewall('placement: hub', hub('172.15.0.0/22')))).toEqual([
      expect.stringMatching(/^egress\.yaml:11: hub\.addressSpace "172\.15\.0\.0\/22": must lie inside 10\.0\.0\.0\/8, /),
    ]);
    expect(issues(withFirewall('placement: top', '', BASE.replace('172.18.0.0/16', '20.18.0.0/16')))).toEqual([]);
  });

  test("the firewall would take the hub's first /26", () => {
    expect(
      buildFirewallModel(
        { placement: 'hub', sku: undefined, threatIntel: undefined, idps: undefined, publicIps: undefined, tls: undefined },
        { addressSpace: '10.100.0.0/22' },
        loadConfig('infra/egress.yaml').levels[0].addresses,
      ),
    ).toMatchObject({
      placement: 'hub',
      hub: { addressSpace: '10.100.0.0/22' },
      addresses: { subnet: { cidr: '10.100.0.0/26' }, privateIp: '10.100.0.4' },
    });
    expect(
      buildFirewallModel(
        { placement: 'hub', sku: undefined, threatIntel: undefined, idps: undefined, publicIps: undefined, tls: undefined },
        undefined,
        loadConfig('infra/egress.yaml').levels[0].addresses,
      ),
    ).toBeUndefined();
  });

  test('hub is required with placement hub and refused otherwise', () => {
    expect(issues(withFirewall('placement: hub'))).toEqual([expect.stringMatching(/^egress\.yaml:11: firewall\.placement "hub": needs a 'hub:' section/)]);
    expect(issues(`${BASE}${hub('10.100.0.0/22')}`)).toEqual([expect.stringMatching(/^egress\.yaml:10: hub: applies only with firewall\.placement 'hub'/)]);
    expect(issues(withFirewall('placement: top', hub('10.100.0.0/22')))).toEqual([expect.stringMatching(/^egress\.yaml:10: hub: applies only/)]);
  });

  test('the hub address space is checked against every level, the cluster ranges, reserved ranges and the /26 it must hold', () => {
    expect(issues(withFirewall('placement: hub', hub('172.18.0.0/24')))).toEqual([
      expect.stringMatching(/^egress\.yaml:11: hub\.addressSpace "172\.18\.0\.0\/24": overlaps level 'l3' \(172\.18\.0\.0\/16\)/),
    ]);
    // the issue's example range collides with the default service range
    expect(issues(withFirewall('placement: hub', hub('10.0.0.0/22')))).toEqual([
      expect.stringMatching(/^egress\.yaml:11: hub\.addressSpace "10\.0\.0\.0\/22": overlaps cluster\.serviceCidr \(10\.0\.0\.0\/16\)/),
    ]);
    expect(issues(withFirewall('placement: hub', hub('10.100.0.0/27')))).toEqual([
      expect.stringMatching(/hub\.addressSpace "10\.100\.0\.0\/27": must be a \/8 to \/26/),
    ]);
    expect(issues(withFirewall('placement: hub', hub('172.31.0.0/24')))).toEqual([
      expect.stringMatching(/hub\.addressSpace "172\.31\.0\.0\/24": overlaps 172\.31\.0\.0\/16, a range AKS refuses/),
    ]);
  });
});

describe('the firewall subnet in smaller or hand-planned top levels', () => {
  test('a /24 top level: the first /26 the planned subnets leave free', () => {
    const m = parseConfig(withFirewall('placement: top', '', BASE.replace('172.16.0.0/16', '10.8.4.0/24')), 'egress.yaml');
    expect(m.firewall?.addresses).toEqual({ subnet: { name: 'AzureFirewallSubnet', cidr: '10.8.4.192/26' }, privateIp: '10.8.4.196' });
    expect([m.levels[0].addresses.nodeSubnet.cidr, m.levels[0].addresses.loadBalancerSubnet.cidr]).toEqual(['10.8.4.0/25', '10.8.4.128/26']);
  });

  test('a top level with no free /26 is refused, naming the level', () => {
    expect(issues(withFirewall('placement: top', '', BASE.replace('172.16.0.0/16', '10.8.4.0/25')))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^egress\.yaml:5: levels\[0\]\.addressSpace "10\.8\.4\.0\/25": has no free \/26 for AzureFirewallSubnet/)]),
    );
  });

  const topWith = (overrides: string) => BASE.replace('    addressSpace: 172.16.0.0/16\n', `    addressSpace: 172.16.0.0/16\n${overrides}`);

  test.each([
    ['the nodes', '    nodeSubnet: 172.16.192.0/18\n'],
    ['the load balancers', '    loadBalancerSubnet: 172.16.192.0/26\n'],
    ['both, over the whole last half', '    nodeSubnet: 172.16.128.0/18\n    loadBalancerSubnet: 172.16.192.0/18\n'],
  ])("a subnet the user sets on the firewall's usual /26 (%s): the firewall moves to a /26 both leave free", (_, overrides) => {
    const m = parseConfig(withFirewall('placement: top', '', topWith(overrides)), 'egress.yaml');
    const top = m.levels[0].addresses;
    const firewall = cidr(m.firewall?.addresses.subnet.cidr ?? '');
    expect(firewall.prefix).toBe(26);
    expect(cidrContains(cidr(top.addressSpace), firewall.network) && cidrContains(cidr(top.addressSpace), cidrLast(firewall))).toBe(true);
    for (const subnet of [top.nodeSubnet, top.loadBalancerSubnet])
      expect([subnet.cidr, cidrsOverlap(cidr(subnet.cidr), firewall)]).toEqual([subnet.cidr, false]);
  });

  test('subnets the user sets that leave no /26 are refused at their key, not at the address space', () => {
    const text = withFirewall('placement: top', '', topWith('    nodeSubnet: 172.16.0.0/17\n    loadBalancerSubnet: 172.16.128.0/17\n'));
    expect(issues(text)).toEqual([
      "egress.yaml:7: levels[0].loadBalancerSubnet \"172.16.128.0/17\": leaves no free /26 for AzureFirewallSubnet in the top level's address space 172.16.0.0/16 (Azure requires at least a /26; firewall.placement 'top'): give levels[0].loadBalancerSubnet and levels[0].nodeSubnet smaller blocks so an aligned /26 stays free",
    ]);
    // One override is enough to fill the space: it alone is named.
    expect(issues(withFirewall('placement: top', '', topWith('    nodeSubnet: 172.16.0.0/16\n')))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^egress\.yaml:6: levels\[0\]\.nodeSubnet "172\.16\.0\.0\/16": leaves no free \/26 .*give levels\[0\]\.nodeSubnet smaller blocks/,
        ),
      ]),
    );
  });
});
