/**
 * Network rules every config must pass before anything is synthesized: AKS's forbidden
 * ranges and option combinations, the planned subnets and load balancer IPs, node and pod
 * address demand, the Azure names built from `name` and the level names, and the NSG
 * plan of each level. They run in the model's validation pass (`parseConfig`), so the
 * CLI, `npx cdktf synth`, `npx cdk8s synth` and library users all get them, with lines,
 * together with every other problem of the file.
 */
import { hubNamedResources, levelNames, namedResources, azureNameProblem } from './azure-names';
import { nsgRuleProblems, planNsgRules } from './nsg-plan';
import { AZURE_SUBNET_RESERVED } from './azure-facts';
import { Cidr, cidrContains, cidrLast, cidrSize, cidrsOverlap, parseCidr, parseIpv4 } from './ipv4';
import type { EgressModel, LevelModel } from './load';
import type { ClusterOptions } from './options';
import { AddressOverrides, MAX_SUBNET_PREFIX, PlannedSubnet, plannedSubnets, QUARTER_LAYOUT_MAX_PREFIX } from './address-plan';

/** Nodes AKS adds during an upgrade (the cluster construct's `maxSurge`; a test keeps the two equal). */
export const MAX_SURGE_NODES = 1;

/** Addresses Azure keeps in every subnet: the first four and the last (virtual-networks-faq). */
export const AZURE_RESERVED_PER_SUBNET = 5;
/** Ranges AKS refuses for the cluster VNET, service range and pod range (AKS networking prerequisites). */
export const AKS_FORBIDDEN_RANGES: readonly string[] = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'];
/** Kubenet's limit: one route per node in the subnet's route table. */
export const KUBENET_MAX_NODES = 400;
/** AKS needs room for at least this many pods in a pool (maxPods x nodeCount). */
export const MIN_PODS_PER_POOL = 30;
/** Overlay: names of the node subnet, its VNET and resource group become node labels. */
export const OVERLAY_MAX_NAME_LENGTH = 63;

const cidr = (text: string): Cidr => (parseCidr(text) as { ok: true; value: Cidr }).value;

/** One problem, with the path of the config value to change. */
export interface NetworkProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly rule: string;
  readonly value?: unknown;
}

/**
 * Every network problem of a model, in config order; empty when the network can be written.
 * @param ports every port of the allow-list, for the NSG plan
 */
export function networkProblems(model: Pick<EgressModel, 'name' | 'location' | 'levels' | 'cluster' | 'firewall'>, ports: readonly number[]): NetworkProblem[] {
  const issues: NetworkProblem[] = [];
  const add = (path: ReadonlyArray<string | number>, rule: string, value?: unknown) => issues.push({ path, rule, value });
  const { cluster } = model;

  for (const problem of clusterOptionProblems(cluster, model.firewall !== undefined)) add(['cluster', problem.key], problem.rule, cluster[problem.key]);
  for (const [key, value] of [['serviceCidr', cluster.serviceCidr], ...(cluster.networkPlugin === 'azure' ? [] : [['podCidr', cluster.podCidr]])] as const) {
    const forbidden = forbiddenRange(value);
    if (forbidden) add(['cluster', key], `overlaps ${forbidden}, which AKS refuses for cluster ranges`, value);
  }
  const podProblem = podCidrProblem(cluster);
  if (podProblem) add(['cluster', 'podCidr'], podProblem, cluster.podCidr);

  model.levels.forEach((level, i) => {
    const forbidden = forbiddenRange(level.addresses.addressSpace);
    if (forbidden) add(['levels', i, 'addressSpace'], `overlaps ${forbidden}, which AKS refuses for a cluster's virtual network`, level.addresses.addressSpace);
    const valueOf = (key: AddressKey) => (key === 'addressSpace' ? level.addresses.addressSpace : level.addressOverrides?.[key]);
    const firewallSubnet = i === 0 && model.firewall?.placement === 'top' ? model.firewall.addresses.subnet : undefined;
    for (const problem of addressPlanIssues(level, firewallSubnet)) add(['levels', i, problem.key], problem.rule, valueOf(problem.key));
    const size = nodeSubnetProblem(level, cluster);
    const sizeKey: AddressKey = level.addressOverrides?.nodeSubnet !== undefined ? 'nodeSubnet' : 'addressSpace';
    if (size) add(['levels', i, sizeKey], size, valueOf(sizeKey));
    for (const named of namedResources(model, level)) {
      const problem = azureNameProblem(named.kind, named.name);
      if (problem) add(['levels', i, 'name'], `${problem} (built from 'name' and the level name)`, level.name);
    }
    if (cluster.networkPlugin === 'azure-overlay') {
      const n = levelNames(model, level);
      for (const name of [n.resourceGroup, n.virtualNetwork, level.addresses.nodeSubnet.name]) {
        if (name.length > OVERLAY_MAX_NAME_LENGTH) {
          add(
            ['levels', i, 'name'],
            `'${name}' is ${name.length} characters; Azure CNI Overlay turns it into a node label (at most ${OVERLAY_MAX_NAME_LENGTH})`,
            level.name,
          );
        }
      }
    }
    // Without a valid entry (reported already) the plan would only repeat that its Envoy rules have no ports.
    if (ports.length > 0) {
      for (const problem of nsgRuleProblems(planNsgRules(model, level, ports))) add(['levels', i], `NSG of level '${level.name}': ${problem}`);
    }
  });
  for (const named of hubNamedResources(model)) {
    const problem = azureNameProblem(named.kind, named.name);
    if (problem) add(['name'], `${problem} (the hub's, built from 'name')`, model.name);
  }
  return issues;
}

/**
 * Impossible or unsupported combinations of `cluster:` options.
 * @param firewall the config has a firewall, which the top level's `userDefinedRouting` routes to
 */
export function clusterOptionProblems(cluster: ClusterOptions, firewall = false): Array<{ key: keyof ClusterOptions; rule: string }> {
  const problems: Array<{ key: keyof ClusterOptions; rule: string }> = [];
  if (cluster.networkPlugin === 'kubenet' && cluster.networkPolicy !== 'calico') {
    problems.push({
      key: 'networkPolicy',
      rule: `'${cluster.networkPolicy}' does not run with networkPlugin 'kubenet' (AKS supports only 'calico' there); choose 'calico' or networkPlugin 'azure-overlay'`,
    });
  }
  if (cluster.privateCluster && cluster.apiServerAuthorizedIpRanges.length > 0) {
    problems.push({ key: 'apiServerAuthorizedIpRanges', rule: 'applies to a public API server only: remove it or set privateCluster: false' });
  }
  if (cluster.outboundType === 'userDefinedRouting' && !firewall) {
    problems.push({
      key: 'outboundType',
      rule: "'userDefinedRouting' needs a default route to a firewall on the top level's node subnet: add a 'firewall:' section (which sets it), or use 'loadBalancer'",
    });
  }
  if (cluster.networkPlugin === 'kubenet' && cluster.nodeCount + MAX_SURGE_NODES > KUBENET_MAX_NODES) {
    problems.push({ key: 'nodeCount', rule: `kubenet supports at most ${KUBENET_MAX_NODES} nodes including the ${MAX_SURGE_NODES} added during upgrades` });
  }
  if (cluster.maxPods * cluster.nodeCount < MIN_PODS_PER_POOL) {
    problems.push({
      key: 'maxPods',
      rule: `maxPods x nodeCount is ${cluster.maxPods * cluster.nodeCount}; AKS needs room for at least ${MIN_PODS_PER_POOL} pods in the system pool`,
    });
  }
  return problems;
}

/** The AKS-forbidden range `text` overlaps, if any. */
function forbiddenRange(text: string): string | undefined {
  const block = cidr(text);
  return AKS_FORBIDDEN_RANGES.find((f) => cidrsOverlap(cidr(f), block));
}

/** The config key a part of the address plan comes from: its own override, else the address space it was planned in. */
export type AddressKey = 'addressSpace' | keyof AddressOverrides;

/**
 * Problems of a level's planned subnets and load balancer IPs, each with the config key to
 * change (the override that set the value, else `addressSpace`): a subnet smaller than
 * Azure's smallest, outside the address space or overlapping another (the firewall's
 * too, in the VNET that holds it), IPs outside the load balancer subnet, on one of
 * Azure's reserved addresses, or equal to each other.
 * @param firewallSubnet `AzureFirewallSubnet` when this level's VNET holds the firewall (`firewall.placement: top`) @default undefined
 */
export function addressPlanIssues(
  level: Pick<LevelModel, 'name' | 'addresses' | 'addressOverrides'>,
  firewallSubnet?: PlannedSubnet,
): Array<{ key: AddressKey; rule: string }> {
  const a = level.addresses;
  const given = level.addressOverrides ?? {};
  const issues: Array<{ key: AddressKey; rule: string }> = [];
  const space = cidr(a.addressSpace);
  const keyOf: Record<string, AddressKey> = {
    [a.nodeSubnet.name]: given.nodeSubnet !== undefined ? 'nodeSubnet' : 'addressSpace',
    [a.loadBalancerSubnet.name]: given.loadBalancerSubnet !== undefined ? 'loadBalancerSubnet' : 'addressSpace',
  };
  const subnets = plannedSubnets(a, firewallSubnet).map((s) => ({ ...s, block: cidr(s.cidr), key: keyOf[s.name] ?? 'addressSpace' }));
  for (const subnet of subnets) {
    const what = subnet.key === 'addressSpace' ? `the planned subnet '${subnet.name}' (${subnet.cidr})` : `the subnet '${subnet.name}' (${subnet.cidr})`;
    if (subnet.block.prefix > MAX_SUBNET_PREFIX)
      issues.push({ key: subnet.key, rule: `${what} is smaller than a /${MAX_SUBNET_PREFIX}, Azure's smallest subnet` });
    if (!cidrContains(space, subnet.block.network) || !cidrContains(space, cidrLast(subnet.block))) {
      issues.push({ key: subnet.key, rule: `${what} lies outside the level's address space${subnet.key === 'addressSpace' ? '' : ` ${a.addressSpace}`}` });
    }
  }
  subnets.forEach((first, i) =>
    subnets.slice(i + 1).forEach((second) => {
      if (!cidrsOverlap(first.block, second.block)) return;
      // Blame a value the user wrote: the later one, when both are theirs.
      const key = second.key !== 'addressSpace' ? second.key : first.key;
      const firewall = [first, second].some((s) => s.name === firewallSubnet?.name) ? " (the Azure Firewall's subnet, firewall.placement 'top')" : '';
      issues.push({
        key,
        rule:
          key === 'addressSpace'
            ? `the planned subnets '${first.name}' and '${second.name}' overlap${firewall}`
            : `the subnets '${first.name}' (${first.cidr}) and '${second.name}' (${second.cidr}) overlap${firewall}`,
      });
    }),
  );
  const lbs = cidr(a.loadBalancerSubnet.cidr);
  const lbKey: AddressKey = given.loadBalancerSubnet !== undefined ? 'loadBalancerSubnet' : 'addressSpace';
  for (const [what, text, own] of [
    ['Envoy', a.envoyIp, 'envoyIp'],
    ['DNS', a.dnsIp, 'dnsIp'],
  ] as const) {
    // A planned IP in a subnet refused as too small would only repeat that problem.
    if (given[own] === undefined && lbs.prefix > MAX_SUBNET_PREFIX) continue;
    const key: AddressKey = given[own] !== undefined ? own : lbKey;
    const planned = given[own] !== undefined ? `the ${what} IP` : `the planned ${what} IP`;
    const ip = parseIpv4(text) as number;
    if (!cidrContains(lbs, ip)) issues.push({ key, rule: `${planned} ${text} lies outside the load balancer subnet ${a.loadBalancerSubnet.cidr}` });
    else if (ip - lbs.network < AZURE_SUBNET_RESERVED.first || cidrLast(lbs) - ip < AZURE_SUBNET_RESERVED.last) {
      issues.push({ key, rule: `${planned} ${text} is one of Azure's reserved addresses of ${a.loadBalancerSubnet.cidr} (the first four and the last)` });
    }
  }
  if (a.envoyIp === a.dnsIp) {
    const key: AddressKey = given.dnsIp !== undefined ? 'dnsIp' : given.envoyIp !== undefined ? 'envoyIp' : lbKey;
    issues.push({ key, rule: `${key === 'addressSpace' || key === 'loadBalancerSubnet' ? 'the planned ' : 'the '}Envoy and DNS IPs are both ${a.envoyIp}` });
  }
  return issues;
}

/** {@link addressPlanIssues} without the keys. */
export function addressPlanProblems(level: Pick<LevelModel, 'name' | 'addresses' | 'addressOverrides'>, firewallSubnet?: PlannedSubnet): string[] {
  return addressPlanIssues(level, firewallSubnet).map((i) => i.rule);
}

/** Addresses the node subnet needs: nodes plus upgrade surge, and with flat Azure CNI every node's maxPods too. */
export function nodeSubnetDemand(cluster: Pick<ClusterOptions, 'nodeCount' | 'maxPods' | 'networkPlugin'>): number {
  const nodes = cluster.nodeCount + MAX_SURGE_NODES;
  return cluster.networkPlugin === 'azure' ? nodes * (cluster.maxPods + 1) : nodes;
}

/** Why the level's node subnet is too small for the pool, or undefined. */
export function nodeSubnetProblem(
  level: Pick<LevelModel, 'addresses' | 'addressOverrides'>,
  cluster: Pick<ClusterOptions, 'nodeCount' | 'maxPods' | 'networkPlugin'>,
): string | undefined {
  const subnet = level.addresses.nodeSubnet;
  // Below Azure's smallest subnet the size rule has said it already.
  if (cidr(subnet.cidr).prefix > MAX_SUBNET_PREFIX) return undefined;
  const usable = cidrSize(cidr(subnet.cidr)) - AZURE_RESERVED_PER_SUBNET;
  const needed = nodeSubnetDemand(cluster);
  if (needed <= usable) return undefined;
  const formula =
    cluster.networkPlugin === 'azure'
      ? `with networkPlugin 'azure' every node takes 1 + maxPods addresses: (${cluster.nodeCount} nodes + ${MAX_SURGE_NODES} upgrade surge) x (1 + ${cluster.maxPods}) = ${needed}`
      : `${cluster.nodeCount} nodes + ${MAX_SURGE_NODES} upgrade surge = ${needed}`;
  const larger =
    level.addressOverrides?.nodeSubnet !== undefined
      ? 'give levels[].nodeSubnet a larger block'
      : `give the level a larger addressSpace (the node subnet is its first ${cidr(level.addresses.addressSpace).prefix <= QUARTER_LAYOUT_MAX_PREFIX ? 'quarter' : 'half'}) or set levels[].nodeSubnet`;
  return `the node subnet ${subnet.cidr} has ${usable} usable addresses but the system pool needs ${needed} (${formula}): ${larger}, or lower cluster.nodeCount${cluster.networkPlugin === 'azure' ? ", lower cluster.maxPods or use networkPlugin 'azure-overlay'" : ''}`;
}

/** Overlay and kubenet give every node a /24 of the pod CIDR. */
export function podCidrProblem(cluster: Pick<ClusterOptions, 'nodeCount' | 'networkPlugin' | 'podCidr'>): string | undefined {
  if (cluster.networkPlugin === 'azure') return undefined;
  const pods = cidr(cluster.podCidr);
  const blocks = pods.prefix > 24 ? 0 : 2 ** (24 - pods.prefix);
  const needed = cluster.nodeCount + MAX_SURGE_NODES;
  return blocks >= needed
    ? undefined
    : `holds ${blocks} /24 block(s) but every node gets one: ${cluster.nodeCount} nodes + ${MAX_SURGE_NODES} upgrade surge need ${needed}; use a larger pod range`;
}
