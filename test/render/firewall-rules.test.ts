/** The allow-list rendered as Azure Firewall rule collection groups (plain data). */
import { parseConfig } from '../../lib/model';
import {
  FIREWALL_MAX_ALLOW_RULES,
  FIREWALL_NAMES,
  FIREWALL_RULES_PER_GROUP,
  firewallRuleName,
  FirewallApplicationRule,
  FirewallNetworkRule,
  renderFirewallRules,
} from '../../lib/render/firewall-rules';

const entry = (pattern: string, ports: number[] = [443], tlsInspection = false) => ({
  pattern,
  kind: pattern.startsWith('*.') ? ('wildcard' as const) : ('exact' as const),
  ports,
  tlsInspection,
});
const appRules = (groups: ReturnType<typeof renderFirewallRules>): FirewallApplicationRule[] =>
  groups.flatMap((g) => g.applicationRuleCollections.filter((c) => c.action === 'Allow').flatMap((c) => c.rules));
const netRules = (groups: ReturnType<typeof renderFirewallRules>): FirewallNetworkRule[] =>
  groups.flatMap((g) => g.networkRuleCollections.flatMap((c) => c.rules));

test('one HTTPS application rule per entry on 443: exact names and *. wildcards as written, sources the internet IP groups', () => {
  const groups = renderFirewallRules({ entries: [entry('mcr.microsoft.com'), entry('*.blob.core.windows.net')], internetSources: ['top'] });
  expect(appRules(groups)).toEqual([
    {
      name: 'https-443-_.blob.core.windows.net',
      description: "allowList '*.blob.core.windows.net' on HTTPS 443",
      sourceIpGroups: ['top'],
      sourceAddresses: [],
      protocols: [{ type: 'Https', port: 443 }],
      destinationFqdns: ['*.blob.core.windows.net'],
      terminateTls: false,
    },
    {
      name: 'https-443-mcr.microsoft.com',
      description: "allowList 'mcr.microsoft.com' on HTTPS 443",
      sourceIpGroups: ['top'],
      sourceAddresses: [],
      protocols: [{ type: 'Https', port: 443 }],
      destinationFqdns: ['mcr.microsoft.com'],
      terminateTls: false,
    },
  ]);
  expect(netRules(groups)).toEqual([]);
});

test('tlsInspection becomes terminate_tls on that rule only', () => {
  const rules = appRules(renderFirewallRules({ entries: [entry('management.azure.com', [443], true), entry('mcr.microsoft.com')], internetSources: ['top'] }));
  expect(rules.map((r) => [r.destinationFqdns[0], r.terminateTls])).toEqual([
    ['management.azure.com', true],
    ['mcr.microsoft.com', false],
  ]);
});

test('non-HTTPS ports become TCP network rules with the exact FQDN, one per entry and port', () => {
  const groups = renderFirewallRules({
    entries: [entry('westeurope.obo.arc.azure.com', [443, 8084]), entry('broker.contoso.com', [8883])],
    internetSources: ['top'],
  });
  expect(netRules(groups)).toEqual([
    {
      name: 'tcp-8883-broker.contoso.com',
      description: "allowList 'broker.contoso.com' on TCP 8883 (not HTTPS: a network rule, resolved by the DNS proxy)",
      protocols: ['TCP'],
      sourceIpGroups: ['top'],
      destinationFqdns: ['broker.contoso.com'],
      destinationAddresses: [],
      destinationPorts: ['8883'],
    },
    expect.objectContaining({ name: 'tcp-8084-westeurope.obo.arc.azure.com', destinationFqdns: ['westeurope.obo.arc.azure.com'], destinationPorts: ['8084'] }),
  ]);
  expect(appRules(groups).map((r) => r.name)).toEqual(['https-443-westeurope.obo.arc.azure.com']);
});

test('a wildcard on a non-HTTPS port is refused (network rules cannot match it)', () => {
  expect(() => renderFirewallRules({ entries: [entry('*.contoso.com', [8883])], internetSources: ['top'] })).toThrow(/network rule cannot match a wildcard/);
});

test('the last group denies every name on HTTP and HTTPS, from anywhere; no Allow rule names * or an FQDN tag', () => {
  const groups = renderFirewallRules({ entries: [entry('mcr.microsoft.com')], internetSources: ['top'] });
  const last = groups[groups.length - 1];
  expect(last).toEqual({
    name: FIREWALL_NAMES.finalDenyGroup,
    priority: 65000,
    networkRuleCollections: [],
    applicationRuleCollections: [
      {
        name: 'deny-everything-else',
        priority: 65000,
        action: 'Deny',
        rules: [
          expect.objectContaining({
            sourceAddresses: ['*'],
            destinationFqdns: ['*'],
            protocols: [
              { type: 'Http', port: 80 },
              { type: 'Https', port: 443 },
            ],
          }),
        ],
      },
    ],
  });
  for (const rule of appRules(groups)) expect(rule.destinationFqdns).not.toContain('*');
  expect(groups.map((g) => g.priority)).toEqual([...groups.map((g) => g.priority)].sort((a, b) => a - b));
});

test("hub hops: each child reaches exactly its parent's Envoy on the allow-list ports and its DNS on 53, before the allow-list", () => {
  const groups = renderFirewallRules({
    entries: [entry('mcr.microsoft.com'), entry('a.contoso.com', [8084])],
    internetSources: ['l4'],
    hops: [
      { child: 'l2', parent: 'l3', sourceIpGroup: 'l2', parentEnvoyIp: '172.18.64.4', parentDnsIp: '172.18.64.5' },
      { child: 'l3', parent: 'l4', sourceIpGroup: 'l3', parentEnvoyIp: '172.16.64.4', parentDnsIp: '172.16.64.5' },
    ],
  });
  expect(groups[0].name).toBe('level-hops');
  expect(groups[0].networkRuleCollections[0].rules.map((r) => [r.name, r.sourceIpGroups, r.protocols, r.destinationAddresses, r.destinationPorts])).toEqual([
    ['l2-to-l3-envoy', ['l2'], ['TCP'], ['172.18.64.4'], ['443', '8084']],
    ['l2-to-l3-dns', ['l2'], ['TCP', 'UDP'], ['172.18.64.5'], ['53']],
    ['l3-to-l4-envoy', ['l3'], ['TCP'], ['172.16.64.4'], ['443', '8084']],
    ['l3-to-l4-dns', ['l3'], ['TCP', 'UDP'], ['172.16.64.5'], ['53']],
  ]);
  // only the top level's IP group reaches the internet
  for (const rule of [...appRules(groups), ...groups[1].networkRuleCollections.flatMap((c) => c.rules)]) expect(rule.sourceIpGroups).toEqual(['l4']);
});

test('for each port, the application rule FQDNs equal the allow-list names on that port (default config)', () => {
  const model = parseConfig(require('node:fs').readFileSync('infra/egress.yaml', 'utf8'), 'infra/egress.yaml');
  const groups = renderFirewallRules({ entries: model.allowEntries, internetSources: ['top'] });
  const https = appRules(groups)
    .flatMap((r) => r.destinationFqdns)
    .sort();
  expect(https).toEqual(
    model.allowEntries
      .filter((e) => e.ports.includes(443))
      .map((e) => e.pattern)
      .sort(),
  );
  for (const port of [...new Set(model.allowEntries.flatMap((e) => e.ports))].filter((p) => p !== 443)) {
    const names = netRules(groups)
      .filter((r) => r.destinationPorts.includes(String(port)))
      .flatMap((r) => r.destinationFqdns)
      .sort();
    expect([port, names]).toEqual([
      port,
      model.allowEntries
        .filter((e) => e.ports.includes(port))
        .map((e) => e.pattern)
        .sort(),
    ]);
  }
});

test('deterministic: input order does not change the output; long names are capped with a hash', () => {
  const a = renderFirewallRules({ entries: [entry('b.contoso.com'), entry('a.contoso.com')], internetSources: ['top'] });
  const b = renderFirewallRules({ entries: [entry('a.contoso.com'), entry('b.contoso.com')], internetSources: ['top'] });
  expect(a).toEqual(b);
  const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.contoso.com`;
  const name = firewallRuleName('https', 443, long);
  expect(name).toHaveLength(80);
  expect(name).toMatch(/^https-443-a+-[0-9a-f]{10}$/);
  expect(firewallRuleName('https', 443, `${long.slice(0, -1)}n`)).not.toBe(name);
});

test('a long list continues in further allow-list groups of FIREWALL_RULES_PER_GROUP rules, at the next priorities, before the final deny', () => {
  const many = Array.from({ length: FIREWALL_RULES_PER_GROUP * 2 + 1 }, (_, i) => ({
    pattern: `n${String(i).padStart(5, '0')}.example.com`,
    kind: 'exact' as const,
    ports: i === 0 ? [443, 8883] : [443],
    tlsInspection: false,
  }));
  const groups = renderFirewallRules({ entries: many, internetSources: ['l4'] });
  expect(groups.map((g) => [g.name, g.priority])).toEqual([
    ['allow-list', 200],
    ['allow-list-2', 201],
    ['allow-list-3', 202],
    ['final-deny', 65000],
  ]);
  const sizes = groups.slice(0, 3).map((g) => [...g.networkRuleCollections, ...g.applicationRuleCollections].reduce((n, c) => n + c.rules.length, 0));
  expect(sizes).toEqual([FIREWALL_RULES_PER_GROUP, FIREWALL_RULES_PER_GROUP, 2]);
  // every entry and port is in exactly one group
  const names = groups.slice(0, 3).flatMap((g) => [...g.networkRuleCollections, ...g.applicationRuleCollections].flatMap((c) => c.rules.map((r) => r.name)));
  expect(new Set(names).size).toBe(FIREWALL_RULES_PER_GROUP * 2 + 2);
  expect(groups[0].networkRuleCollections[0].rules.map((r) => r.name)).toEqual(['tcp-8883-n00000.example.com']);
});

test('more rules than a policy holds are refused by the config check, naming the allow-list', () => {
  const entries = Array.from(
    { length: FIREWALL_MAX_ALLOW_RULES / 4 + 1 },
    (_, i) => `  - domain: n${i}.example.com\n    ports: [443, 8443, 8883, 9443]\n`,
  ).join('');
  const config = `name: edge\nlocation: westeurope\nlevels:\n  - name: l4\n    addressSpace: 172.16.0.0/16\nallowList:\n${entries}firewall:\n  placement: top\n`;
  expect(() => parseConfig(config, 'egress.yaml')).toThrow(
    new RegExp(`allowList: needs ${FIREWALL_MAX_ALLOW_RULES + 4} firewall rules \\(one per entry and port\\), more than the ${FIREWALL_MAX_ALLOW_RULES}`),
  );
});
