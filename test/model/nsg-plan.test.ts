import { NSG_PRIORITY, NsgRule, nsgRuleProblems, planNsgRules } from '../../lib/model/nsg-plan';
import { BASE, defaultModel, FIVE_LEVELS, model } from '../network/fixtures';

const byName = (rules: NsgRule[]) => new Map(rules.map((r) => [r.name, r]));

describe('planNsgRules', () => {
  const m = defaultModel();
  const [l4, l3, l2] = m.levels;

  test('the default plan of every level (snapshot)', () => {
    expect(Object.fromEntries(m.levels.map((l) => [l.name, planNsgRules(m, l, [443, 8084])]))).toMatchSnapshot();
  });

  test('a middle level has every rule class', () => {
    const rules = planNsgRules(m, l3, [443, 8084]);
    expect(rules.map((r) => `${r.direction} ${r.priority} ${r.access} ${r.name}`)).toEqual([
      'Inbound 1000 Allow allow-cluster-inbound',
      'Inbound 1100 Allow allow-envoy-from-l2',
      'Inbound 1110 Allow allow-dns-udp-from-l2',
      'Inbound 1120 Allow allow-dns-tcp-from-l2',
      'Inbound 4000 Deny deny-other-levels-inbound',
      'Outbound 1000 Allow allow-cluster-outbound',
      'Outbound 1100 Allow allow-envoy-to-l4',
      'Outbound 1110 Allow allow-dns-udp-to-l4',
      'Outbound 1120 Allow allow-dns-tcp-to-l4',
      'Outbound 4000 Deny deny-other-levels-outbound',
      'Outbound 4010 Deny deny-azure-dns-outbound',
      'Outbound 4096 Deny deny-internet-outbound',
    ]);
    expect(nsgRuleProblems(rules)).toEqual([]);
  });

  test("below the top, only Deny rules name a tag or *: every outbound Allow names the parent's Envoy or DNS IP or the level's own ranges", () => {
    for (const level of [l3, l2]) {
      const allows = planNsgRules(m, level, [443, 8084]).filter((r) => r.direction === 'Outbound' && r.access === 'Allow');
      const parent = m.levels.find((l) => l.name === level.parent)!;
      const allowed = new Set([parent.addresses.envoyIp, parent.addresses.dnsIp, level.addresses.nodeSubnet.cidr, m.cluster.podCidr]);
      for (const r of allows) for (const p of r.destinationAddressPrefixes) expect(allowed.has(p)).toBe(true);
    }
  });

  test('the top level has no outbound restrictions but the other-levels deny; the bottom level opens nothing inbound', () => {
    expect(
      planNsgRules(m, l4, [443])
        .filter((r) => r.direction === 'Outbound')
        .map((r) => r.name),
    ).toEqual(['allow-cluster-outbound', 'deny-other-levels-outbound']);
    expect(
      planNsgRules(m, l2, [443])
        .filter((r) => r.direction === 'Inbound')
        .map((r) => r.name),
    ).toEqual(['allow-cluster-inbound', 'deny-other-levels-inbound']);
  });

  test('Envoy ports are exactly the given allow-list ports, deduplicated and ascending', () => {
    const rules = byName(planNsgRules(m, l3, [8883, 443, 8084, 443]));
    expect(rules.get('allow-envoy-from-l2')!.destinationPorts).toEqual(['443', '8084', '8883']);
    expect(rules.get('allow-envoy-to-l4')!.destinationPorts).toEqual(['443', '8084', '8883']);
  });

  test('priorities and names are stable when entries and ports are added', () => {
    const before = planNsgRules(m, l3, [443]).map((r) => [r.direction, r.name, r.priority]);
    const after = planNsgRules(m, l3, [443, 8084, 8883, 4318]).map((r) => [r.direction, r.name, r.priority]);
    expect(after).toEqual(before);
  });

  test('priorities stay unique per direction and names short for five levels', () => {
    const five = model(FIVE_LEVELS);
    for (const level of five.levels) expect(nsgRuleProblems(planNsgRules(five, level, [443, 8084, 8883]))).toEqual([]);
  });

  test('a single level denies nothing between levels', () => {
    const one = model(BASE.replace(/  - name: l3\n    addressSpace: 172.18.0.0\/16\n/, ''));
    expect(planNsgRules(one, one.levels[0], [443]).map((r) => r.name)).toEqual(['allow-cluster-inbound', 'allow-cluster-outbound']);
  });

  test('only concrete IPs, CIDRs, one service tag or * appear as prefixes', () => {
    for (const level of m.levels) {
      for (const r of planNsgRules(m, level, [443])) {
        for (const p of [...r.sourceAddressPrefixes, ...r.destinationAddressPrefixes]) {
          expect(p).toMatch(/^(\d+\.\d+\.\d+\.\d+(\/\d+)?|\*|Internet|AzurePlatformDNS)$/);
        }
      }
    }
  });
});

describe('nsgRuleProblems', () => {
  const ok: NsgRule = {
    name: 'allow-a',
    priority: NSG_PRIORITY.envoy,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefixes: ['10.0.0.0/16'],
    destinationAddressPrefixes: ['10.1.0.4'],
    destinationPorts: ['443'],
    description: 'test',
  };

  test('a valid rule set has no problems', () => {
    expect(nsgRuleProblems([ok, { ...ok, name: 'allow-b', direction: 'Outbound' }])).toEqual([]);
  });

  test('priority collision in one direction', () => {
    expect(nsgRuleProblems([ok, { ...ok, name: 'allow-b' }])).toEqual([
      "NSG priority collision: inbound rules 'allow-a' and 'allow-b' both have priority 1100",
    ]);
  });

  test('priority outside 100-4096', () => {
    expect(nsgRuleProblems([{ ...ok, priority: 4097 }])).toEqual(["rule 'allow-a' has priority 4097; Azure allows 100-4096"]);
    expect(nsgRuleProblems([{ ...ok, priority: 99 }])).toEqual(["rule 'allow-a' has priority 99; Azure allows 100-4096"]);
  });

  test('name longer than 80 characters', () => {
    const name = `allow-${'x'.repeat(75)}`;
    expect(nsgRuleProblems([{ ...ok, name }])).toEqual([`rule name '${name}' is 81 characters; Azure allows 80`]);
  });

  test('name with characters Azure refuses', () => {
    expect(nsgRuleProblems([{ ...ok, name: 'allow a-' }])).toEqual([
      "rule name 'allow a-' breaks Azure's naming rule: letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
    ]);
  });

  test('duplicate name', () => {
    expect(nsgRuleProblems([ok, { ...ok, direction: 'Outbound' }])).toEqual(["rule name 'allow-a' is used twice"]);
  });

  test('service tag inside a prefix list', () => {
    expect(nsgRuleProblems([{ ...ok, destinationAddressPrefixes: ['10.1.0.4', 'Internet'] }])).toEqual([
      "rule 'allow-a' mixes a service tag or '*' into a list of destination prefixes (10.1.0.4, Internet); Azure accepts a tag only on its own",
    ]);
  });

  test('empty prefixes and bad ports', () => {
    expect(nsgRuleProblems([{ ...ok, sourceAddressPrefixes: [], destinationPorts: ['443', '*'] }])).toEqual([
      "rule 'allow-a' has no source address prefix",
      "rule 'allow-a' has invalid destination ports (443, *)",
    ]);
    expect(nsgRuleProblems([{ ...ok, destinationPorts: ['70000'] }])).toEqual(["rule 'allow-a' has invalid destination ports (70000)"]);
  });
});
