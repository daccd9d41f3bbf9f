import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatIssue, loadConfig, MAX_ALLOW_ENTRIES, MAX_DISTINCT_PORTS, MAX_LEVELS, MAX_PORTS_PER_ENTRY, parseConfig } from '../../lib/model';
import { MAX_CONFIG_BYTES } from '../../lib/model/yaml-source';
import { BASE } from '../support/configs';

/** Every problem of `text`, formatted as the CLI prints them; fails the test if the text is accepted or something else is thrown. */
function problems(text: string): string[] {
  try {
    parseConfig(text, 'egress.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected the config to be refused');
}
const entry = (domain: string) => BASE.replace('- domain: mcr.microsoft.com', `- domain: ${domain}`);

describe('YAML that is not plain data is refused with line and column', () => {
  test.each([
    [
      'an unknown tag',
      entry('!include other.yaml'),
      'egress.yaml:9:13: not valid YAML: Unresolved tag: !include: YAML tags are not supported in the config (nothing is included or converted)',
    ],
    [
      'a YAML 1.1 type tag',
      entry('!!binary aGVsbG8='),
      'egress.yaml:9:22: not valid YAML: the YAML tag tag:yaml.org,2002:binary is not supported: write the plain value',
    ],
    [
      'a set',
      `${BASE}cluster: !!set {a, b}\n`,
      'egress.yaml:10:16: not valid YAML: the YAML tag tag:yaml.org,2002:set is not supported: write the plain value',
    ],
    [
      'a second document',
      `${BASE}---\nname: other\n`,
      "egress.yaml:10:1: a config file holds exactly one YAML document: remove the '---' and everything after it, or merge the documents",
    ],
    [
      'a tab as indentation',
      BASE.replace('  - name: l3', '\t- name: l3'),
      'egress.yaml:6:1: not valid YAML: Tabs are not allowed as indentation: indent with spaces',
    ],
    [
      'a duplicate key',
      BASE.replace('name: edge', 'name: edge\nname: plant'),
      "egress.yaml:2:1: not valid YAML: duplicate key 'name': each key may appear once in a mapping (the later one would silently win)",
    ],
    [
      'a key written twice in two spellings',
      `${BASE}1: x\n"1": y\n`,
      "egress.yaml:11:1: not valid YAML: duplicate key '1': each key may appear once in a mapping (the later one would silently win)",
    ],
    ['a key that is a list', `${BASE}? [a]\n: 1\n`, 'egress.yaml:10:3: not valid YAML: a key must be a plain word, not a list or a mapping'],
    ['deep nesting', `${BASE}cluster: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'egress.yaml:10:41: not valid YAML: nested more than 32 levels deep'],
    [
      'an alias bomb',
      `a: &x [1]\n${Array.from({ length: 120 }, (_, i) => `k${i}: *x`).join('\n')}\n`,
      'egress.yaml:102:7: not valid YAML: more than 100 aliases: refused (they could expand without bound)',
    ],
    ['an empty file', '', 'egress.yaml: the config file is empty: it must be one YAML mapping (name, location, levels, allowList)'],
    ['only comments', '# nothing\n', 'egress.yaml: the config file is empty: it must be one YAML mapping (name, location, levels, allowList)'],
  ])('%s', (_, text, message) => {
    expect(problems(text)).toEqual([message]);
  });

  test('an unquoted * names the alias and gives the hint', () => {
    expect(problems(entry('*.b.com'))).toEqual([
      `egress.yaml:9:13: not valid YAML: the alias *.b.com refers to no anchor (a value starting with '*' must be quoted: "*.b.com")`,
    ]);
  });
});

describe('keys are checked against own properties only: built-in object member names are unknown keys, and no block vanishes', () => {
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('%s', (key) => {
    expect(problems(`${BASE}${key}:\n  allowList: []\n`)).toEqual([
      `egress.yaml:10: ${key}: unknown key (allowed: name, location, levels, allowList, terraform, cluster, workloads, firewall, hub)`,
    ]);
    expect(problems(`${BASE}    ${key}: {ports: [80]}\n`)).toEqual([
      `egress.yaml:10: allowList[0].${key}: unknown key (allowed: domain, ports, purpose, tlsInspection)`,
    ]);
    expect(problems(`${BASE}cluster:\n  ${key}: 1\n  nodeCount: 0\n`)).toEqual([
      expect.stringMatching(new RegExp(`^egress\\.yaml:11: cluster\\.${key.replace(/_/g, '_')}: unknown key`)),
      'egress.yaml:12: cluster.nodeCount 0: must be a whole number from 1 to 1000',
    ]);
  });

  test('a __proto__ key does not replace the parsed block (the entries before and after it stay)', () => {
    const text = BASE.replace('allowList:\n', 'allowList:\n  - domain: a.example.org\n    __proto__: {domain: b.example.org}\n');
    expect(problems(text)).toEqual(['egress.yaml:10: allowList[0].__proto__: unknown key (allowed: domain, ports, purpose, tlsInspection)']);
  });
});

describe('every stage reports at once, each problem with its line', () => {
  test('schema, domains, ports, overlaps, reserved ranges and network rules together', () => {
    const text = `name: edge
location: westeurope
levels:
  - name: l4
    addressSpace: 172.16.0.0/16
  - name: l3
    addressSpace: 172.16.128.0/17
  - name: l2
    addressSpace: 127.0.0.0/16
allowList:
  - domain: a..com
  - domain: b.example.org
    ports: [53, 99999]
cluster:
  outboundType: userDefinedRouting
  vmSize: "bad size"
`;
    expect(problems(text)).toEqual([
      'egress.yaml:7: levels[1].addressSpace "172.16.128.0/17": overlaps levels[0] (l4, 172.16.0.0/16): peered VNETs need distinct address spaces',
      'egress.yaml:9: levels[2].addressSpace "127.0.0.0/16": overlaps 127.0.0.0/8, loopback',
      `egress.yaml:11: allowList[0].domain "a..com": a domain must not contain an empty label ('..' or a trailing '..')`,
      'egress.yaml:13: allowList[1].ports[1] 99999: must be a whole number from 1 to 65535',
      'egress.yaml:13: allowList[1].ports[0] 53: port 53 is reserved for the DNS of each level and cannot be proxied',
      'egress.yaml:16: cluster.vmSize "bad size": must be an Azure VM size such as Standard_D4ds_v5',
    ]);
    // A refused name does not hide the level rules.
    expect(
      problems(
        text
          .replace('name: edge', 'name: Edge!')
          .replace('  vmSize: "bad size"\n', '')
          .replace('172.16.128.0/17', '172.18.0.0/22')
          .replace('127.0.0.0/16', '172.20.0.0/16') + '  networkPlugin: azure\n  nodeCount: 10\n',
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^egress\.yaml:1: name "Edge!": must be/),
        expect.stringMatching(/^egress\.yaml:7: levels\[1\]\.addressSpace "172\.18\.0\.0\/22": the node subnet 172\.18\.0\.0\/24 has 251 usable addresses/),
      ]),
    );
    // With the cluster block valid, its rules join the list.
    expect(problems(text.replace('  vmSize: "bad size"\n', ''))).toContainEqual(
      `egress.yaml:15: cluster.outboundType "userDefinedRouting": 'userDefinedRouting' needs a default route to a firewall on the top level's node subnet: add a 'firewall:' section (which sets it), or use 'loadBalancer'`,
    );
  });
});

describe('limits fail with a message, not a crash', () => {
  test('an entry listing every port', () => {
    const all = Array.from({ length: 65535 }, (_, i) => i + 1).filter((p) => p !== 53);
    expect(problems(`${BASE}    ports: [${all.join(', ')}]\n`)).toEqual([
      `egress.yaml:10: allowList[0].ports: has 65534 ports; at most ${MAX_PORTS_PER_ENTRY} are accepted: each port is an Envoy listener on every level; list the ports the service really uses`,
    ]);
  });

  test('more distinct ports than the list may use', () => {
    const entries = Array.from(
      { length: 5 },
      (_, i) => `  - domain: h${i}.example.org\n    ports: [${Array.from({ length: 16 }, (_, j) => 1000 + i * 16 + j).join(', ')}]\n`,
    ).join('');
    expect(problems(BASE + entries)).toEqual([
      `egress.yaml:17: allowList[4].ports[15] 1063: the allow-list uses more than ${MAX_DISTINCT_PORTS} distinct ports: each is an Envoy listener, a Service port and a container port on every level; group services on fewer ports`,
    ]);
  });

  test('too many entries, too many levels', () => {
    const entries = Array.from({ length: MAX_ALLOW_ENTRIES + 1 }, (_, i) => `  - domain: h${i}.example.org\n`).join('');
    expect(problems(BASE + entries)).toEqual([
      `egress.yaml:8: allowList: has ${MAX_ALLOW_ENTRIES + 2} entries; at most ${MAX_ALLOW_ENTRIES} are accepted: far past the size whose generated ConfigMaps fit in 1 MiB`,
    ]);
    const levels = Array.from({ length: MAX_LEVELS + 1 }, (_, i) => `  - name: l${i}\n    addressSpace: 10.${100 + i}.0.0/16\n`).join('');
    expect(problems(BASE.replace(/levels:\n(  .*\n)+/, `levels:\n${levels}`))).toEqual([
      `egress.yaml:3: levels: has ${MAX_LEVELS + 1} levels; at most ${MAX_LEVELS} are accepted: each level is a peered VNET, an AKS cluster and one more proxy hop`,
    ]);
  });

  test('text over the size cap is refused unread', () => {
    expect(problems(`${BASE}# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`)).toEqual(['egress.yaml: the config file is larger than 4 MiB: refused unread']);
  });
});

describe('files that are not a config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-parser-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (path: string) => {
    try {
      loadConfig(path);
    } catch (e) {
      if (e instanceof ConfigError) return e.issues.map(formatIssue);
      throw e;
    }
    throw new Error('expected the file to be refused');
  };

  test('/dev/zero (endless), a folder, a named pipe, a missing file', () => {
    expect(load('/dev/zero')).toEqual(['/dev/zero: the config path is not a regular file (a folder, device or pipe)']);
    mkdirSync(join(dir, 'folder'));
    expect(load(join(dir, 'folder'))).toEqual([`${join(dir, 'folder')}: the config path is not a regular file (a folder, device or pipe)`]);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(load(join(dir, 'fifo'))).toEqual([`${join(dir, 'fifo')}: the config path is not a regular file (a folder, device or pipe)`]);
    expect(load(join(dir, 'missing.yaml'))).toEqual([`${join(dir, 'missing.yaml')}: cannot read the config file (ENOENT)`]);
  });

  test('a 50 MB list, and text that is not UTF-8', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, BASE + '  - domain: a.example.org\n'.repeat(2_000_000));
    expect(load(big)).toEqual([`${big}: the config file has ${statSync(big).size} bytes; at most ${MAX_CONFIG_BYTES} (4 MiB) are accepted`]);
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from(`${BASE}  - domain: b\xfccher.de\n`, 'latin1'));
    expect(load(latin1)).toEqual([`${latin1}: the config file is not valid UTF-8 text`]);
  });
});

describe('look-alikes: Unicode and punycode alike, by Unicode security data', () => {
  test.each([
    [
      'xn--pypal-4ve.com',
      `label 'pаypal' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): illegal mixture: Latin + Cyrillic "а" {430} (decoded from 'xn--pypal-4ve')`,
    ],
    // The well-known Cyrillic 'apple' and 'epic', written as punycode.
    [
      'xn--80ak6aa92e.com',
      `label 'аррӏе' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): whole-script confusable: Cyrillic/Latin (decoded from 'xn--80ak6aa92e')`,
    ],
    ['расе.com', `label 'расе' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): whole-script confusable: Cyrillic/Latin`],
    [
      'ᎪᏴᏟ.com',
      `label 'ᎪᏴᏟ' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): whole-script confusable: Restricted[Cher]/Latin`,
    ],
    [
      'օrange.com',
      `label 'օrange' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): illegal mixture: Armenian + Latin "r" {72}`,
    ],
    ['ɑpple.com', `label 'ɑpple' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): disallowed character: "ɑ" {251}`],
    [
      'xn--e1awd7f.com',
      `label 'еріс' is a look-alike (homograph) by Unicode's confusable and mixed-script data (UTS #39): whole-script confusable: Cyrillic/Latin (decoded from 'xn--e1awd7f')`,
    ],
    ['xn--zz.com', `'xn--zz' is not valid punycode`],
  ])('%s is refused', (domain, rule) => {
    expect(problems(entry(JSON.stringify(domain)))).toEqual([`egress.yaml:9: allowList[0].domain ${JSON.stringify(domain)}: ${rule}`]);
  });

  test.each([
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['中文.com', 'xn--fiq228c.com'],
    ['straße.de', 'xn--strae-oqa.de'],
  ])('%s is a real internationalised name and is kept as %s', (domain, pattern) => {
    expect(parseConfig(entry(JSON.stringify(domain)), 'egress.yaml').allowEntries.map((e) => e.pattern)).toEqual([pattern]);
  });
});

describe('wildcards directly under a public suffix (Public Suffix List via tldts)', () => {
  test.each(['*.co.uk', '*.com.au', '*.pvt.k12.ma.us'])('%s (ICANN section) is refused', (domain) => {
    expect(problems(entry(JSON.stringify(domain)))).toEqual([
      expect.stringMatching(/is a public suffix \(Public Suffix List, ICANN section\): '.*' would allow every domain anyone registers under it/),
    ]);
  });

  test.each(['*.azurewebsites.net', '*.github.io', '*.blob.core.windows.net'])('%s (private section) is a warning', (domain) => {
    const model = parseConfig(entry(JSON.stringify(domain)), 'egress.yaml');
    expect(model.warnings.map(formatIssue)).toContainEqual(
      expect.stringMatching(/is a public suffix \(Public Suffix List, private section\): .* allows every customer's name on that platform/),
    );
  });

  test('a wildcard below a registered domain is fine', () => {
    expect(parseConfig(entry('"*.contoso.co.uk"'), 'egress.yaml').warnings.filter((w) => w.rule.includes('public suffix'))).toEqual([]);
  });
});
