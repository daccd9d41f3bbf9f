import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { main } from '../../lib/cli/main';
import { formatIssue, LevelModel } from '../../lib/model';
import { addressPlanProblems, MAX_SURGE_NODES } from '../../lib/model/network-rules';
import { buildTerraformApp } from '../../lib/network/app';
import { MAX_SURGE_NODES as CLUSTER_MAX_SURGE } from '../../lib/network/cluster';
import { azureNameProblem, namedResources } from '../../lib/model/azure-names';
import { BASE, configIssues, defaultModel, model } from './fixtures';

/** Issues of loading `text` (the network rules run in the model's pass), formatted the way the CLI prints them. */
const synthIssues = (text: string): string[] => configIssues(() => model(text)).map(formatIssue);

test('the surge the node checks count is the surge the cluster construct asks AKS for', () => {
  expect(MAX_SURGE_NODES).toBe(CLUSTER_MAX_SURGE);
});
const withCluster = (yaml: string) => `${BASE}cluster:\n${yaml.replace(/^/gm, '  ')}\n`;

describe('checked when the config is loaded (lib/model)', () => {
  test('overlapping address spaces', () => {
    const text = BASE.replace('172.18.0.0/16', '172.16.128.0/17');
    expect(configIssues(() => model(text)).map(formatIssue)).toEqual([
      'egress.yaml:7: levels[1].addressSpace "172.16.128.0/17": overlaps levels[0] (l4, 172.16.0.0/16): peered VNETs need distinct address spaces',
    ]);
  });

  test('service CIDR overlapping a level', () => {
    expect(configIssues(() => model(withCluster('serviceCidr: 172.18.0.0/20\ndnsServiceIp: 172.18.0.10'))).map(formatIssue)).toEqual([
      'egress.yaml:11: cluster.serviceCidr "172.18.0.0/20": overlaps level \'l3\' (172.18.0.0/16): AKS would route those addresses inside the cluster',
    ]);
  });
});

describe('network rules, checked when the config is loaded (lib/model/network-rules)', () => {
  test('the default config passes', () => {
    expect(() => buildTerraformApp(new App(), defaultModel())).not.toThrow();
  });

  test('node subnet too small for flat Azure CNI', () => {
    const text = withCluster('networkPlugin: azure\nnodeCount: 10').replace('172.18.0.0/16', '172.18.0.0/22');
    expect(synthIssues(text)).toEqual([
      "egress.yaml:7: levels[1].addressSpace \"172.18.0.0/22\": the node subnet 172.18.0.0/24 has 251 usable addresses but the system pool needs 341 (with networkPlugin 'azure' every node takes 1 + maxPods addresses: (10 nodes + 1 upgrade surge) x (1 + 30) = 341): give the level a larger addressSpace (the node subnet is its first quarter) or set levels[].nodeSubnet, or lower cluster.nodeCount, lower cluster.maxPods or use networkPlugin 'azure-overlay'",
    ]);
  });

  test('node subnet too small for the node count (overlay)', () => {
    const text = withCluster('nodeCount: 251\npodCidr: 10.128.0.0/9').replace('172.18.0.0/16', '172.18.0.0/22');
    expect(synthIssues(text)).toEqual([
      'egress.yaml:7: levels[1].addressSpace "172.18.0.0/22": the node subnet 172.18.0.0/24 has 251 usable addresses but the system pool needs 252 (251 nodes + 1 upgrade surge = 252): give the level a larger addressSpace (the node subnet is its first quarter) or set levels[].nodeSubnet, or lower cluster.nodeCount',
    ]);
  });

  test('pod CIDR too small for one /24 per node', () => {
    expect(synthIssues(withCluster('podCidr: 10.244.0.0/23'))).toEqual([
      'egress.yaml:11: cluster.podCidr "10.244.0.0/23": holds 2 /24 block(s) but every node gets one: 3 nodes + 1 upgrade surge need 4; use a larger pod range',
    ]);
  });

  test('ranges AKS refuses', () => {
    const text = withCluster('serviceCidr: 172.30.0.0/16\ndnsServiceIp: 172.30.0.10').replace('172.18.0.0/16', '172.31.0.0/16');
    expect(synthIssues(text)).toEqual([
      'egress.yaml:7: levels[1].addressSpace "172.31.0.0/16": overlaps 172.31.0.0/16, which AKS refuses for a cluster\'s virtual network',
      'egress.yaml:11: cluster.serviceCidr "172.30.0.0/16": overlaps 172.30.0.0/16, which AKS refuses for cluster ranges',
    ]);
  });

  test('network policy the plugin cannot run', () => {
    expect(synthIssues(withCluster('networkPlugin: kubenet\nnetworkPolicy: cilium'))).toEqual([
      "egress.yaml:12: cluster.networkPolicy \"cilium\": 'cilium' does not run with networkPlugin 'kubenet' (AKS supports only 'calico' there); choose 'calico' or networkPlugin 'azure-overlay'",
    ]);
  });

  test('with several levels, the refused private cluster and the ranges are reported together', () => {
    const issues = synthIssues(withCluster('privateCluster: true\napiServerAuthorizedIpRanges: [203.0.113.0/24]'));
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).toMatch(/cluster\.privateCluster/);
    expect(issues.join('\n')).toMatch(/cluster\.apiServerAuthorizedIpRanges .*applies to a public API server only/);
  });

  test('authorized IP ranges on a private cluster (one level: below the top, privateCluster is refused)', () => {
    const oneLevel = withCluster('privateCluster: true\napiServerAuthorizedIpRanges: [203.0.113.0/24]').replace(
      /  - name: l3\n    addressSpace: 172.18.0.0\/16\n/,
      '',
    );
    expect(synthIssues(oneLevel)).toEqual([
      'egress.yaml:10: cluster.apiServerAuthorizedIpRanges ["203.0.113.0/24"]: applies to a public API server only: remove it or set privateCluster: false',
    ]);
  });

  test('user-defined routing without a firewall', () => {
    expect(synthIssues(withCluster('outboundType: userDefinedRouting'))).toEqual([
      "egress.yaml:11: cluster.outboundType \"userDefinedRouting\": 'userDefinedRouting' needs a default route to a firewall on the top level's node subnet: add a 'firewall:' section (which sets it), or use 'loadBalancer'",
    ]);
  });

  test('kubenet node limit', () => {
    expect(synthIssues(withCluster('networkPlugin: kubenet\nnodeCount: 400\npodCidr: 10.128.0.0/9'))).toEqual([
      'egress.yaml:12: cluster.nodeCount 400: kubenet supports at most 400 nodes including the 1 added during upgrades',
    ]);
  });

  test('too few pods per pool', () => {
    expect(synthIssues(withCluster('nodeCount: 2\nmaxPods: 10'))).toEqual([
      'egress.yaml:12: cluster.maxPods 10: maxPods x nodeCount is 20; AKS needs room for at least 30 pods in the system pool',
    ]);
  });

  test('maxPods outside AKS limits is a config error', () => {
    expect(configIssues(() => model(withCluster('maxPods: 300'))).map((i) => `${i.path}: ${i.rule}`)).toEqual([
      'cluster.maxPods: must be a whole number from 10 to 250 (AKS limits)',
    ]);
  });

  test('the CLI prints synth-time problems and exits 2 without writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-net-'));
    try {
      const config = join(dir, 'egress.yaml');
      writeFileSync(config, withCluster('outboundType: userDefinedRouting'));
      const err: string[] = [];
      const code = main(
        ['synth', '--config', config, '--cdktf-out', join(dir, 'cdktf.out'), '--manifests-out', join(dir, 'manifests')],
        { write: () => true } as never,
        { write: (s: string) => err.push(s) } as never,
      );
      expect(code).toBe(2);
      expect(err.join('')).toContain('cluster.outboundType "userDefinedRouting"');
      expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planned addresses', () => {
  const good: Pick<LevelModel, 'name' | 'addresses'> = {
    name: 'l4',
    addresses: {
      addressSpace: '172.16.0.0/16',
      nodeSubnet: { name: 'nodes', cidr: '172.16.0.0/18' },
      loadBalancerSubnet: { name: 'egress-ilb', cidr: '172.16.64.0/24' },
      envoyIp: '172.16.64.4',
      dnsIp: '172.16.64.5',
    },
  };
  const plan = (change: Partial<LevelModel['addresses']>) => addressPlanProblems({ ...good, addresses: { ...good.addresses, ...change } });

  test('the model plan of every default level is clean', () => {
    for (const level of defaultModel().levels) expect(addressPlanProblems(level)).toEqual([]);
  });

  test('IP outside its subnet', () => {
    expect(plan({ envoyIp: '172.16.65.4' })).toEqual(['the planned Envoy IP 172.16.65.4 lies outside the load balancer subnet 172.16.64.0/24']);
  });

  test("IP on one of Azure's reserved addresses", () => {
    expect(plan({ dnsIp: '172.16.64.3' })).toEqual([
      "the planned DNS IP 172.16.64.3 is one of Azure's reserved addresses of 172.16.64.0/24 (the first four and the last)",
    ]);
    expect(plan({ envoyIp: '172.16.64.255' })).toEqual([
      "the planned Envoy IP 172.16.64.255 is one of Azure's reserved addresses of 172.16.64.0/24 (the first four and the last)",
    ]);
  });

  test('Envoy and DNS on the same IP', () => {
    expect(plan({ dnsIp: '172.16.64.4' })).toEqual(['the planned Envoy and DNS IPs are both 172.16.64.4']);
  });

  test('subnet outside the address space, subnets overlapping', () => {
    expect(plan({ nodeSubnet: { name: 'nodes', cidr: '172.17.0.0/18' } })).toEqual([
      "the planned subnet 'nodes' (172.17.0.0/18) lies outside the level's address space",
    ]);
    expect(plan({ nodeSubnet: { name: 'nodes', cidr: '172.16.0.0/17' } })).toEqual(["the planned subnets 'nodes' and 'egress-ilb' overlap"]);
  });
});

describe('Azure naming rules', () => {
  test('every generated name of the default config is valid', () => {
    const m = defaultModel();
    for (const level of m.levels) for (const r of namedResources(m, level)) expect(azureNameProblem(r.kind, r.name)).toBeUndefined();
  });

  test.each([
    [
      'resource group',
      'rg-edge.',
      "the resource group name 'rg-edge.' breaks Azure's naming rule: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'",
    ],
    [
      'virtual network',
      'v',
      "the virtual network name 'v' breaks Azure's naming rule: 2-64 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
    ],
    [
      'subnet',
      '-nodes',
      "the subnet name '-nodes' breaks Azure's naming rule: 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
    ],
    [
      'network security group',
      `nsg-${'x'.repeat(77)}`,
      `the network security group name 'nsg-${'x'.repeat(77)}' breaks Azure's naming rule: 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'`,
    ],
    [
      'virtual network peering',
      'peer l3',
      "the virtual network peering name 'peer l3' breaks Azure's naming rule: 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
    ],
    ['managed identity', 'id', "the managed identity name 'id' breaks Azure's naming rule: 3-128 letters, digits, '_' or '-', starting with a letter or digit"],
    [
      'AKS cluster',
      'aks-',
      "the AKS cluster name 'aks-' breaks Azure's naming rule: 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit",
    ],
    [
      'AKS DNS prefix',
      'edge_l4',
      "the AKS DNS prefix name 'edge_l4' breaks Azure's naming rule: 1-54 letters, digits or '-', starting and ending with a letter or digit",
    ],
    ['AKS node pool', 'systempool01', undefined],
    [
      'AKS node pool',
      'system-pool',
      "the AKS node pool name 'system-pool' breaks Azure's naming rule: 1-12 lowercase letters and digits, starting with a letter (Linux pools)",
    ],
  ] as const)('%s %j', (kind, name, message) => {
    expect(azureNameProblem(kind, name)).toBe(message);
  });
});
