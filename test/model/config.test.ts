import { ConfigError, ConfigIssue, formatIssue, loadConfig, parseConfig, resolveConfigPath } from '../../lib/model';
import { BASE, HOSTILE_DOMAINS } from '../support/configs';

function issues(text: string): ConfigIssue[] {
  try {
    parseConfig(text, 'egress.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected the config to be rejected');
}
const lines = (text: string) => issues(text).map(formatIssue);
/** Warnings about allow-list entries (the two-level BASE also warns about image registries). */
const allowListWarnings = (model: { warnings: readonly ConfigIssue[] }) => model.warnings.filter((w) => w.path.startsWith('allowList')).map(formatIssue);

describe('config file structure', () => {
  test('the shipped default config loads; its only warnings are the two Azure wildcards directly under a private public suffix', () => {
    const model = loadConfig('infra/egress.yaml');
    expect(model.warnings.map((w) => `${w.path} ${w.value}`)).toEqual([
      'allowList[13].domain *.servicebus.windows.net',
      'allowList[23].domain *.blob.core.windows.net',
    ]);
    expect(model.warnings.every((w) => w.rule.includes('is a public suffix (Public Suffix List, private section)'))).toBe(true);
    expect(model.levels.map((l) => l.name)).toEqual(['l4', 'l3', 'l2']);
  });

  test('normalised default model (snapshot)', () => {
    const model = loadConfig('infra/egress.yaml');
    expect({ ...model, file: '<file>' }).toMatchSnapshot();
  });

  test('an unknown key is an error with a suggestion, never silently dropped', () => {
    expect(lines(BASE.replace('allowList:', 'allowlist:'))).toEqual([
      "egress.yaml:8: allowlist: unknown key: did you mean 'allowList'? (allowed: name, location, levels, allowList, terraform, cluster, workloads, firewall, hub)",
      'egress.yaml: allowList: is required: list the domains the levels may reach',
    ]);
  });

  test('unknown keys inside entries are errors too', () => {
    expect(lines(BASE.replace('  - domain: mcr.microsoft.com', '  - domain: mcr.microsoft.com\n    port: 443'))).toEqual([
      "egress.yaml:10: allowList[0].port: unknown key: did you mean 'ports'? (allowed: domain, ports, purpose, tlsInspection)",
    ]);
  });

  test('wrong types name the path and the value', () => {
    expect(lines(BASE.replace('name: edge', 'name: 42'))).toEqual(['egress.yaml:1: name 42: must be a string']);
    expect(lines(BASE.replace('  - domain: mcr.microsoft.com', '  - domain: mcr.microsoft.com\n    ports: 443'))).toEqual([
      'egress.yaml:10: allowList[0].ports 443: must be a list',
    ]);
  });

  test('YAML syntax errors are reported with a line, and an unquoted * gets a hint', () => {
    const [issue] = issues(BASE.replace('mcr.microsoft.com', '*.data.mcr.microsoft.com'));
    expect(formatIssue(issue)).toMatch(/^egress\.yaml:9:13: not valid YAML: .*a value starting with '\*' must be quoted/);
  });

  test('duplicate keys are an error naming the key, with line and column', () => {
    expect(lines(BASE.replace('location: westeurope', 'location: westeurope\nlocation: northeurope'))).toEqual([
      "egress.yaml:3:1: not valid YAML: duplicate key 'location': each key may appear once in a mapping (the later one would silently win)",
    ]);
  });

  test('every problem in the file is reported at once', () => {
    const text = `name: Edge!
location: West Europe
levels: []
allowList:
  - domain: "graph.microsoft.com/"
  - domain: "*contoso.com"
    ports: [53, 70000]
`;
    expect(lines(text)).toEqual([
      `egress.yaml:1: name "Edge!": must be 2-24 characters of a-z, 0-9 and '-', starting with a letter (it prefixes Azure resource names)`,
      `egress.yaml:2: location "West Europe": must be an Azure region name such as 'westeurope' (lowercase letters and digits)`,
      'egress.yaml:3: levels: must have at least 1 level',
      `egress.yaml:5: allowList[0].domain "graph.microsoft.com/": a domain must not contain '/' or '\\' (a path or a trailing slash)`,
      `egress.yaml:6: allowList[1].domain "*contoso.com": '*' must be a whole leftmost label followed by '.' ('*.b.com'): '*b.com' would also match look-alikes such as 'evilb.com'`,
      'egress.yaml:7: allowList[1].ports[1] 70000: must be a whole number from 1 to 65535',
      'egress.yaml:7: allowList[1].ports[0] 53: port 53 is reserved for the DNS of each level and cannot be proxied',
    ]);
  });
});

describe('levels', () => {
  test.each([
    [
      '  - name: l4\n    addressSpace: 172.16.1.0/16',
      'egress.yaml:5: levels[0].addressSpace "172.16.1.0/16": host bits are set: the network address of this block is 172.16.0.0/16',
    ],
    ['  - name: l4\n    addressSpace: 172.16.0.0', 'egress.yaml:5: levels[0].addressSpace "172.16.0.0": must be an IPv4 CIDR such as 172.16.0.0/16'],
    [
      '  - name: l4\n    addressSpace: 172.16.0.0/29',
      `egress.yaml:5: levels[0].addressSpace "172.16.0.0/29": must be a /8 to /28: the smallest holds two /29 subnets (Azure's smallest), one for the AKS nodes and one for the load balancers`,
    ],
    [
      '  - name: l4\n    addressSpace: 169.254.0.0/16',
      'egress.yaml:5: levels[0].addressSpace "169.254.0.0/16": overlaps 169.254.0.0/16, link-local (Azure metadata and DNS live there)',
    ],
    [
      '  - name: L4\n    addressSpace: 172.16.0.0/16',
      `egress.yaml:4: levels[0].name "L4": must be 1-16 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'`,
    ],
    ['  - name: l3\n    addressSpace: 172.16.0.0/16', 'egress.yaml:6: levels[1].name "l3": level names must be unique (levels[0] has it too)'],
    [
      '  - name: l4\n    addressSpace: 172.18.0.0/20',
      'egress.yaml:7: levels[1].addressSpace "172.18.0.0/16": overlaps levels[0] (l4, 172.18.0.0/20): peered VNETs need distinct address spaces',
    ],
  ])('%#: %s', (replacement, message) => {
    expect(lines(BASE.replace('  - name: l4\n    addressSpace: 172.16.0.0/16', replacement))).toEqual([message]);
  });

  test('overlap detection finds every overlapping pair without comparing all pairs', () => {
    const levels = Array.from({ length: 6 }, (_, i) => `  - name: n${i}\n    addressSpace: 10.${i < 3 ? 1 : i}.0.0/16`).join('\n');
    const text = `name: edge\nlocation: westeurope\nlevels:\n${levels}\nallowList:\n  - domain: a.example.org\ncluster:\n  serviceCidr: 192.168.0.0/16\n  dnsServiceIp: 192.168.0.10\n  podCidr: 100.64.0.0/16\n`;
    expect(lines(text).filter((l) => l.includes('overlaps levels'))).toHaveLength(2);
  });

  test('levels get parent and child links and planned addresses', () => {
    const model = parseConfig(BASE, 'egress.yaml');
    expect(model.levels).toEqual([
      {
        name: 'l4',
        index: 0,
        parent: undefined,
        child: 'l3',
        addresses: {
          addressSpace: '172.16.0.0/16',
          nodeSubnet: { name: 'nodes', cidr: '172.16.0.0/18' },
          loadBalancerSubnet: { name: 'egress-ilb', cidr: '172.16.64.0/24' },
          envoyIp: '172.16.64.4',
          dnsIp: '172.16.64.5',
        },
      },
      expect.objectContaining({ name: 'l3', index: 1, parent: 'l4', child: undefined }),
    ]);
  });

  test('the AKS service and pod ranges must not overlap a level', () => {
    expect(lines(BASE.replace('172.18.0.0/16', '10.0.0.0/16'))).toEqual([
      `egress.yaml: cluster.serviceCidr "10.0.0.0/16": overlaps level 'l3' (10.0.0.0/16): AKS would route those addresses inside the cluster`,
    ]);
    expect(lines(`${BASE}cluster:\n  dnsServiceIp: 10.1.0.10\n`)).toEqual([
      'egress.yaml:11: cluster.dnsServiceIp "10.1.0.10": must be an address inside cluster.serviceCidr (10.0.0.0/16), not its first',
    ]);
  });
});

describe('allow-list entries', () => {
  const withEntries = (entries: string) => BASE.replace('  - domain: mcr.microsoft.com\n', entries);

  test('port 53 is refused, other ports are checked', () => {
    expect(
      lines(
        withEntries('  - domain: a.example.org\n    ports: [443, 53]\n  - domain: b.example.org\n    ports: [0]\n  - domain: c.example.org\n    ports: []\n'),
      ),
    ).toEqual([
      'egress.yaml:10: allowList[0].ports[1] 53: port 53 is reserved for the DNS of each level and cannot be proxied',
      'egress.yaml:12: allowList[1].ports[0] 0: must be a whole number from 1 to 65535',
      'egress.yaml:14: allowList[2].ports: must have at least 1 port',
    ]);
    expect(lines(withEntries('  - domain: a.example.org\n    ports: [443, 53]\n'))).toEqual([
      'egress.yaml:10: allowList[0].ports[1] 53: port 53 is reserved for the DNS of each level and cannot be proxied',
    ]);
  });

  test('each acceptance-list hostile value is refused with the value quoted and the rule', () => {
    const hostile = HOSTILE_DOMAINS;
    for (const value of hostile) {
      const [issue, ...rest] = issues(withEntries(`  - domain: a.example.org\n  - domain: ${JSON.stringify(value)}\n`));
      expect(rest).toEqual([]);
      expect(issue).toMatchObject({ file: 'egress.yaml', line: 10, path: 'allowList[1].domain', value });
      expect(formatIssue(issue)).toContain(JSON.stringify(value));
    }
  });

  test('duplicates after normalisation merge with a warning, ports unioned', () => {
    const model = parseConfig(
      withEntries('  - domain: mcr.microsoft.com\n    purpose: a\n  - domain: MCR.Microsoft.com.\n    ports: [8443]\n    purpose: b\n'),
      'egress.yaml',
    );
    expect(model.allowEntries).toEqual([
      {
        pattern: 'mcr.microsoft.com',
        kind: 'exact',
        domain: 'mcr.microsoft.com',
        ports: [443, 8443],
        purposes: ['a', 'b'],
        sources: [0, 1],
        tlsInspection: false,
      },
    ]);
    expect(allowListWarnings(model)).toEqual([
      `egress.yaml:11: allowList[1].domain "MCR.Microsoft.com.": duplicates allowList[0] ('mcr.microsoft.com') after normalisation; merged, ports unioned`,
    ]);
  });

  test('an exact name covered by a wildcard is kept and reported', () => {
    const model = parseConfig(withEntries('  - domain: gbl.his.arc.azure.com\n  - domain: "*.arc.azure.com"\n'), 'egress.yaml');
    expect(model.allowEntries.map((e) => e.pattern)).toEqual(['*.arc.azure.com', 'gbl.his.arc.azure.com']);
    expect(allowListWarnings(model)).toEqual([
      `egress.yaml:9: allowList[0].domain "gbl.his.arc.azure.com": is also matched by '*.arc.azure.com' (allowList[1]); kept as its own entry (it may carry other ports)`,
    ]);
  });

  test('documentation-only names are flagged as probable test entries', () => {
    const model = parseConfig(withEntries('  - domain: api.example.com\n'), 'egress.yaml');
    expect(allowListWarnings(model)).toEqual([
      `egress.yaml:9: allowList[0].domain "api.example.com": 'example.com' is reserved for documentation or local use (RFC 2606/6761): a test entry left in the list?`,
    ]);
  });

  test('entries are sorted, so input order never changes the model', () => {
    const a = parseConfig(withEntries('  - domain: b.example.org\n  - domain: a.example.org\n'), 'x');
    const b = parseConfig(withEntries('  - domain: a.example.org\n  - domain: b.example.org\n'), 'x');
    expect(a.allowEntries.map((e) => e.pattern)).toEqual(['a.example.org', 'b.example.org']);
    expect(a.allowEntries.map((e) => e.pattern)).toEqual(b.allowEntries.map((e) => e.pattern));
  });
});

describe('config path resolution', () => {
  test('explicit path, then EGRESS_CONFIG, then infra/egress.yaml', () => {
    expect(resolveConfigPath('x.yaml', { EGRESS_CONFIG: 'y.yaml' })).toBe('x.yaml');
    expect(resolveConfigPath(undefined, { EGRESS_CONFIG: 'y.yaml' })).toBe('y.yaml');
    expect(resolveConfigPath(undefined, {})).toBe('infra/egress.yaml');
  });

  test('a missing file is a config error naming it', () => {
    expect(() => loadConfig('does/not/exist.yaml')).toThrow(/does\/not\/exist\.yaml: cannot read the config file \(ENOENT\)/);
  });
});

describe('image registries', () => {
  test('a list that cannot serve the configured images below the top level gets a warning naming the hosts', () => {
    const model = parseConfig(BASE, 'egress.yaml');
    expect(model.warnings.map(formatIssue)).toEqual([
      `egress.yaml: workloads.envoy.image "${model.workloads.envoy.image}": levels below the top pull this image through the proxy chain, but the allow-list does not allow 'registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com', 'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com' on port 443: add them or use a registry that is on the list`,
    ]);
  });

  test('a single level pulls straight from the internet: no warning', () => {
    expect(parseConfig(BASE.replace(/  - name: l3\n    addressSpace: 172\.18\.0\.0\/16\n/, ''), 'egress.yaml').warnings).toEqual([]);
  });
});
