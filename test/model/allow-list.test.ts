import { Construct } from 'constructs';
import { AllowList, parseConfig } from '../../lib/model';

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
