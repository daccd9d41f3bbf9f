import { Construct } from 'constructs';
import { AllowList, AllowListError, parseConfig } from '../../lib/model';

const CONFIG = `name: edge
location: westeurope
levels:
  - name: l4
    addressSpace: 172.16.0.0/16
allowList:
  - domain: a.b.com
  - domain: "*.b.com"
    ports: [443, 8443]
  - domain: "*.c.b.com"
    ports: [8443]
  - domain: b.com
  - domain: "{region}.obo.arc.azure.com"
    ports: [8084]
`;

function tree() {
  const root = new Construct(undefined as unknown as Construct, '');
  const list = new AllowList(root, 'AllowList', { entries: parseConfig(CONFIG, 'c.yaml').allowEntries });
  return { root, list, child: new Construct(new Construct(root, 'stack'), 'leaf') };
}

describe('AllowList', () => {
  const { list, child, root } = tree();

  test('is found from anywhere in its tree', () => {
    expect(AllowList.of(child)).toBe(list);
    expect(AllowList.of(root)).toBe(list);
  });

  test('a tree without one, or with two, fails with a specific message', () => {
    expect(() => AllowList.of(new Construct(undefined as unknown as Construct, ''))).toThrow(/No AllowList in the construct tree/);
    const two = new Construct(undefined as unknown as Construct, '');
    new AllowList(two, 'a', { entries: [] });
    new AllowList(two, 'b', { entries: [] });
    expect(() => AllowList.of(two)).toThrow(/holds 2 AllowLists \(a, b\): there must be exactly one/);
  });

  test('queries: entries, ports, entries per port, exact names, wildcards', () => {
    expect(list.entries.map((e) => e.pattern)).toEqual(['*.b.com', '*.c.b.com', 'a.b.com', 'b.com', 'westeurope.obo.arc.azure.com']);
    expect(list.ports).toEqual([443, 8084, 8443]);
    expect(list.entriesForPort(8443).map((e) => e.pattern)).toEqual(['*.b.com', '*.c.b.com']);
    expect(list.exactNames).toEqual(['a.b.com', 'b.com', 'westeurope.obo.arc.azure.com']);
    expect(list.wildcards.map((e) => e.pattern)).toEqual(['*.b.com', '*.c.b.com']);
  });

  test.each([
    ['a.b.com', undefined, 'a.b.com'],
    ['A.B.COM.', undefined, 'a.b.com'],
    ['b.com', undefined, 'b.com'],
    ['x.b.com', undefined, '*.b.com'],
    ['x.y.z.b.com', undefined, '*.b.com'],
    ['x.c.b.com', undefined, '*.c.b.com'],
    ['c.b.com', undefined, '*.b.com'],
    ['x.c.b.com', 443, '*.b.com'],
    ['x.c.b.com', 8443, '*.c.b.com'],
    ['a.b.com', 8443, '*.b.com'],
    ['evilb.com', undefined, undefined],
    ['b.com.evil.org', undefined, undefined],
    ['westeurope.obo.arc.azure.com', 443, undefined],
    ['westeurope.obo.arc.azure.com', 8084, 'westeurope.obo.arc.azure.com'],
  ])('matches(%j, %j) -> %j', (name, port, expected) => {
    expect(list.matches(name, port)?.pattern).toBe(expected);
  });
});

describe('AllowList validates what it is given exactly as the config file is validated', () => {
  const scope = () => new Construct(undefined as unknown as Construct, '');

  test('a raw entry with a newline (a dnsmasq directive) throws, naming the entry, the value and the rule', () => {
    expect(() => new AllowList(scope(), 'x', { entries: [{ domain: 'a.com\nserver=/#/6.6.6.6' }] })).toThrow(
      new AllowListError([
        `AllowList 'x': entries[0].domain "a.com\\nserver=/#/6.6.6.6": a domain must not contain control characters (a newline could become a new directive in a config file)`,
      ]),
    );
  });

  test.each([
    [{ domain: '*.co.uk' }, /entries\[0\]\.domain "\*\.co\.uk": 'co\.uk' is a public suffix \(Public Suffix List, ICANN section\)/],
    [{ domain: 'a.b.com', ports: [53] }, /entries\[0\]\.ports\[0\] 53: port 53 is reserved/],
    [{ domain: 'a.b.com', ports: [70000] }, /entries\[0\]\.ports\[0\] 70000: must be a whole number from 1 to 65535/],
    [{ domain: 'a.b.com', port: 443 }, /entries\[0\]\.port: unknown key: did you mean 'ports'\?/],
    [{ domain: 'xn--pypal-4ve.com' }, /look-alike \(homograph\).*decoded from 'xn--pypal-4ve'/],
    [{ domain: '{region}.obo.arc.azure.com' }, /\{region\} is filled from the config file's location/],
    [{ domain: 42 }, /entries\[0\]\.domain 42: must be a string/],
  ])('%j is refused', (entry, message) => {
    expect(() => new AllowList(scope(), 'x', { entries: [entry as never] })).toThrow(message);
  });

  test('a normalised entry that is not what normalising gives is refused', () => {
    const [entry] = parseConfig(CONFIG, 'c.yaml').allowEntries;
    expect(() => new AllowList(scope(), 'x', { entries: [{ ...entry, pattern: '*.B.com' }] })).toThrow(/entries\[0\]: is not in normal form/);
    expect(() => new AllowList(scope(), 'x', { entries: [{ ...entry, pattern: '*.b.com\nserver=/#/1.2.3.4' }] })).toThrow(/control characters/);
  });

  test('raw entries are normalised; loadConfig entries are kept as they are (sources and purposes)', () => {
    const list = new AllowList(scope(), 'x', {
      entries: [
        { domain: 'B.com.', ports: [8443, 443] },
        { domain: 'b.com', purpose: 'twice' },
      ],
    });
    expect(list.entries).toEqual([
      { pattern: 'b.com', kind: 'exact', domain: 'b.com', ports: [443, 8443], purposes: ['twice'], sources: [0, 1], tlsInspection: false },
    ]);
    const entries = parseConfig(CONFIG, 'c.yaml').allowEntries;
    expect(new AllowList(scope(), 'y', { entries }).entries).toEqual(entries);
  });
});
