import { automaticSubnets, MAX_LEVEL_PREFIX, MIN_LEVEL_PREFIX, planLevelAddresses } from '../../lib/model/address-plan';
import { ConfigError, formatIssue, parseConfig } from '../../lib/model';
import { addressPlanIssues, addressPlanProblems, networkProblems, nodeSubnetProblem } from '../../lib/model/network-rules';
import { cidrSize, formatCidr, parseCidr } from '../../lib/model/ipv4';
import { BASE } from '../support/configs';

const cidr = (text: string) => (parseCidr(text) as { ok: true; value: { network: number; prefix: number } }).value;

describe('the automatic address plan', () => {
  test('the /16 default and /22 are planned as before, byte for byte (nodes: first quarter; load balancers: first /24 of the second)', () => {
    expect(planLevelAddresses(cidr('172.16.0.0/16'))).toEqual({
      addressSpace: '172.16.0.0/16',
      nodeSubnet: { name: 'nodes', cidr: '172.16.0.0/18' },
      loadBalancerSubnet: { name: 'egress-ilb', cidr: '172.16.64.0/24' },
      envoyIp: '172.16.64.4',
      dnsIp: '172.16.64.5',
    });
    expect(planLevelAddresses(cidr('192.168.4.0/22'))).toMatchObject({
      nodeSubnet: { cidr: '192.168.4.0/24' },
      loadBalancerSubnet: { cidr: '192.168.5.0/24' },
      envoyIp: '192.168.5.4',
      dnsIp: '192.168.5.5',
    });
    expect(planLevelAddresses(cidr('10.0.0.0/8'))).toMatchObject({ nodeSubnet: { cidr: '10.0.0.0/10' }, loadBalancerSubnet: { cidr: '10.64.0.0/24' } });
  });

  test.each([
    ['10.1.0.0/23', '10.1.0.0/24', '10.1.1.0/25'],
    ['10.1.0.0/24', '10.1.0.0/25', '10.1.0.128/26'],
    ['10.1.0.0/25', '10.1.0.0/26', '10.1.0.64/27'],
    ['10.1.0.0/26', '10.1.0.0/27', '10.1.0.32/28'],
    ['10.1.0.0/27', '10.1.0.0/28', '10.1.0.16/29'],
    ['10.1.0.0/28', '10.1.0.0/29', '10.1.0.8/29'],
  ])('below a /22: %s gives the nodes the first half (%s) and the load balancers %s', (space, nodes, lbs) => {
    const plan = planLevelAddresses(cidr(space));
    expect([plan.nodeSubnet.cidr, plan.loadBalancerSubnet.cidr]).toEqual([nodes, lbs]);
    expect([plan.envoyIp, plan.dnsIp]).toEqual([4, 5].map((o) => formatCidr({ network: cidr(lbs).network + o, prefix: 32 }).replace('/32', '')));
  });

  test('every supported size is planned without a problem: subnets inside the space, /29 or larger, apart, IPs usable', () => {
    for (let prefix = MIN_LEVEL_PREFIX; prefix <= MAX_LEVEL_PREFIX; prefix++) {
      const space = { network: cidr('10.0.0.0/8').network, prefix };
      const plan = planLevelAddresses(space);
      expect([prefix, addressPlanProblems({ name: 'l', addresses: plan })]).toEqual([prefix, []]);
      const { nodes } = automaticSubnets(space);
      // The node subnet never shrinks faster than the space: at least a quarter of it.
      expect(cidrSize(nodes)).toBeGreaterThanOrEqual(cidrSize(space) / 4);
    }
  });

  test('the smallest space for the default pool (3 nodes + 1 surge) is a /27; a /28 holds 2 nodes', () => {
    const pool = (nodeCount: number) => ({ nodeCount, maxPods: 250, networkPlugin: 'azure-overlay' as const });
    const level = (space: string) => ({ addresses: planLevelAddresses(cidr(space)) });
    expect(nodeSubnetProblem(level('10.1.0.0/27'), pool(3))).toBeUndefined();
    expect(nodeSubnetProblem(level('10.1.0.0/28'), pool(3))).toMatch(
      /the node subnet 10\.1\.0\.0\/29 has 3 usable addresses but the system pool needs 4 .*first half\) or set levels\[\]\.nodeSubnet/,
    );
    expect(nodeSubnetProblem(level('10.1.0.0/28'), pool(2))).toBeUndefined();
  });
});

const issues = (text: string): string[] => {
  try {
    parseConfig(text, 'egress.yaml');
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
};
const withL3 = (extra: string, space = '172.18.0.0/23') => BASE.replace('    addressSpace: 172.18.0.0/16\n', `    addressSpace: ${space}\n${extra}`);

describe('per-level overrides', () => {
  test('given subnets and IPs are used as given; what is left automatic is planned around them', () => {
    const model = parseConfig(withL3('    nodeSubnet: 172.18.1.0/24\n    envoyIp: 172.18.0.100\n'), 'egress.yaml');
    const l3 = model.levels[1];
    // The automatic load-balancer block (172.18.1.0/25) is taken by the nodes: the first free /25 is used instead.
    expect(l3.addresses).toEqual({
      addressSpace: '172.18.0.0/23',
      nodeSubnet: { name: 'nodes', cidr: '172.18.1.0/24' },
      loadBalancerSubnet: { name: 'egress-ilb', cidr: '172.18.0.0/25' },
      envoyIp: '172.18.0.100',
      dnsIp: '172.18.0.5',
    });
    expect(l3.addressOverrides).toEqual({ nodeSubnet: '172.18.1.0/24', envoyIp: '172.18.0.100' });
  });

  test('a given load-balancer subnet takes the default IPs .4 and .5; a DNS IP given at .4 moves Envoy to .5', () => {
    const a = parseConfig(withL3('    loadBalancerSubnet: 172.18.1.240/28\n'), 'egress.yaml').levels[1].addresses;
    expect([a.loadBalancerSubnet.cidr, a.envoyIp, a.dnsIp]).toEqual(['172.18.1.240/28', '172.18.1.244', '172.18.1.245']);
    const b = parseConfig(withL3('    loadBalancerSubnet: 172.18.1.240/28\n    dnsIp: 172.18.1.244\n'), 'egress.yaml').levels[1].addresses;
    expect([b.envoyIp, b.dnsIp]).toEqual(['172.18.1.245', '172.18.1.244']);
  });

  test.each([
    [
      'outside the space',
      '    nodeSubnet: 172.19.0.0/24\n',
      `egress.yaml:8: levels[1].nodeSubnet "172.19.0.0/24": the subnet 'nodes' (172.19.0.0/24) lies outside the level's address space 172.18.0.0/23`,
    ],
    [
      'smaller than a /29',
      '    loadBalancerSubnet: 172.18.1.0/30\n',
      `egress.yaml:8: levels[1].loadBalancerSubnet "172.18.1.0/30": the subnet 'egress-ilb' (172.18.1.0/30) is smaller than a /29, Azure's smallest subnet`,
    ],
    [
      'overlapping subnets',
      '    nodeSubnet: 172.18.0.0/24\n    loadBalancerSubnet: 172.18.0.128/28\n',
      `egress.yaml:9: levels[1].loadBalancerSubnet "172.18.0.128/28": the subnets 'nodes' (172.18.0.0/24) and 'egress-ilb' (172.18.0.128/28) overlap`,
    ],
    [
      'an IP outside its subnet',
      '    envoyIp: 172.18.0.10\n',
      'egress.yaml:8: levels[1].envoyIp "172.18.0.10": the Envoy IP 172.18.0.10 lies outside the load balancer subnet 172.18.1.0/25',
    ],
    [
      'an Azure-reserved first address',
      '    dnsIp: 172.18.1.3\n',
      `egress.yaml:8: levels[1].dnsIp "172.18.1.3": the DNS IP 172.18.1.3 is one of Azure's reserved addresses of 172.18.1.0/25 (the first four and the last)`,
    ],
    [
      'an Azure-reserved last address',
      '    envoyIp: 172.18.1.127\n',
      `egress.yaml:8: levels[1].envoyIp "172.18.1.127": the Envoy IP 172.18.1.127 is one of Azure's reserved addresses of 172.18.1.0/25 (the first four and the last)`,
    ],
    [
      'the same IP twice',
      '    envoyIp: 172.18.1.20\n    dnsIp: 172.18.1.20\n',
      'egress.yaml:9: levels[1].dnsIp "172.18.1.20": the Envoy and DNS IPs are both 172.18.1.20',
    ],
    [
      'a node subnet too small for the pool',
      '    nodeSubnet: 172.18.0.0/29\n',
      'egress.yaml:8: levels[1].nodeSubnet "172.18.0.0/29": the node subnet 172.18.0.0/29 has 3 usable addresses but the system pool needs 4 (3 nodes + 1 upgrade surge = 4): give levels[].nodeSubnet a larger block, or lower cluster.nodeCount',
    ],
    [
      'not a CIDR',
      '    nodeSubnet: 172.18.0.1/24\n',
      'egress.yaml:8: levels[1].nodeSubnet "172.18.0.1/24": host bits are set: the network address of this block is 172.18.0.0/24',
    ],
    ['not an IP', '    dnsIp: 172.18.1.300\n', 'egress.yaml:8: levels[1].dnsIp "172.18.1.300": must be an IPv4 address such as 168.63.129.16'],
  ])('%s is refused with file, line, key and rule', (_, extra, message) => {
    expect(issues(withL3(extra))).toEqual([message]);
  });

  test('every bad override of a file is reported at once, each on its own line', () => {
    const text = withL3('    nodeSubnet: 172.19.0.0/24\n    envoyIp: 172.18.1.3\n');
    expect(issues(text).map((l) => l.split(':').slice(0, 2).join(':'))).toEqual(['egress.yaml:8', 'egress.yaml:9']);
  });

  test('the pod and service ranges must stay clear of every level, overrides included (they lie inside the level)', () => {
    const text = `${withL3('    nodeSubnet: 172.18.0.0/24\n')}cluster:\n  podCidr: 172.18.0.0/16\n`;
    expect(issues(text)).toEqual([expect.stringMatching(/^egress\.yaml:\d+: cluster\.podCidr "172\.18\.0\.0\/16": overlaps level 'l3' \(172\.18\.0\.0\/23\)/)]);
  });
});

describe("the firewall's subnet is one of the top level's planned subnets (firewall.placement 'top')", () => {
  const FIREWALL_SUBNET = { name: 'AzureFirewallSubnet', cidr: '172.16.192.0/26' };
  // The planner never puts the firewall on a subnet the user set (the firewall tests prove it moves); this check
  // guards that promise: a user subnet on the firewall's /26 is refused at the user's key.
  const top = {
    name: 'l4',
    addresses: planLevelAddresses(cidr('172.16.0.0/16'), { nodeSubnet: '172.16.192.0/18' }),
    addressOverrides: { nodeSubnet: '172.16.192.0/18' },
  };

  test('a user subnet on the /26 is refused at its key, naming both subnets and the firewall', () => {
    expect(addressPlanIssues(top, FIREWALL_SUBNET)).toEqual([
      {
        key: 'nodeSubnet',
        rule: "the subnets 'nodes' (172.16.192.0/18) and 'AzureFirewallSubnet' (172.16.192.0/26) overlap (the Azure Firewall's subnet, firewall.placement 'top')",
      },
    ]);
    expect(addressPlanIssues(top)).toEqual([]);
    // The firewall's subnet is checked like any other planned one: inside the space.
    expect(addressPlanProblems({ name: 'l4', addresses: planLevelAddresses(cidr('172.16.0.0/16')) }, { ...FIREWALL_SUBNET, cidr: '172.17.0.0/26' })).toEqual([
      "the planned subnet 'AzureFirewallSubnet' (172.17.0.0/26) lies outside the level's address space",
    ]);
  });

  test("the load-time rules check the top level's subnets against the firewall's, and only with placement top", () => {
    const model = parseConfig(
      `${BASE.replace('    addressSpace: 172.16.0.0/16\n', '    addressSpace: 172.16.0.0/16\n    nodeSubnet: 172.16.192.0/18\n')}firewall:\n  placement: top\n`,
      'egress.yaml',
    );
    const firewall = model.firewall as NonNullable<typeof model.firewall>;
    expect(networkProblems(model, [443])).toEqual([]);
    const onTheNodes = { ...firewall, addresses: { subnet: FIREWALL_SUBNET, privateIp: '172.16.192.4' } };
    expect(networkProblems({ ...model, firewall: onTheNodes }, [443])).toEqual([
      expect.objectContaining({
        path: ['levels', 0, 'nodeSubnet'],
        value: '172.16.192.0/18',
        rule: expect.stringMatching(/'AzureFirewallSubnet' \(172\.16\.192\.0\/26\) overlap/),
      }),
    ]);
    // In a hub the firewall's subnet lives in another VNET: nothing to compare with the top level.
    expect(networkProblems({ ...model, firewall: { ...onTheNodes, placement: 'hub', hub: { addressSpace: '172.16.192.0/22' } } }, [443])).toEqual([]);
  });
});
