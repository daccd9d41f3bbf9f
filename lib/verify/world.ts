import { Artifacts } from './artifacts';
import { FirewallFact, readFirewallFacts, readRouteTables, RouteTableFact } from './parse/firewall';
import { Range, parseRange } from './engines/addresses';
import { Endpoint, evaluateNsg, NsgDecision } from './engines/nsg';
import { Intent, IntentLevel } from './intent';
import { CorednsCustom, parseCorednsCustom } from './parse/coredns';
import { DnsmasqConfig, parseDnsmasqConf } from './parse/dnsmasq';
import { EnvoyConfig, parseEnvoyBootstrap } from './parse/envoy';
import { containers, KubeObject, mountedConfigMaps, podLabels, selects, WORKLOAD_KINDS } from './parse/kube';
import { NetworkFacts, NsgFact, readNetworkFacts, SubnetFact, VnetFact } from './parse/network';

/**
 * Everything the checker knows about the deployed system, read from the artifacts and
 * linked by content: per level, the Envoy config (the ConfigMap with an `envoy.yaml`
 * key), the workload that mounts it and the Services that select that workload; the
 * same for `dnsmasq.conf`; the `coredns-custom` ConfigMap; and the level's VNET, node
 * subnet and NSGs from its Terraform stack.
 */

export const LB_IP_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-ipv4';
export const LB_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-internal';

export interface ServicePort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The container port the Service sends to (named ports resolved). */
  readonly targetPort?: number;
  readonly name?: string;
}

export interface ServiceInfo {
  readonly object: KubeObject;
  readonly type: string;
  readonly loadBalancerIp?: string;
  readonly internal: boolean;
  readonly ports: readonly ServicePort[];
}

/** A config-carrying component: the ConfigMap, its parsed content, the workload mounting it, and the Services selecting that workload. */
export interface Component<T> {
  readonly configMap: KubeObject;
  readonly key: string;
  readonly config?: T;
  readonly parseError?: string;
  readonly workloads: readonly KubeObject[];
  readonly services: readonly ServiceInfo[];
}

export interface LevelWorld {
  readonly level: IntentLevel;
  readonly objects: readonly KubeObject[];
  readonly hasManifests: boolean;
  readonly envoy: ReadonlyArray<Component<EnvoyConfig>>;
  readonly dnsmasq: ReadonlyArray<Component<DnsmasqConfig>>;
  readonly coredns?: { readonly configMap: KubeObject; readonly config: CorednsCustom };
  readonly hasStack: boolean;
  readonly stackFile?: string;
  readonly vnet?: VnetFact;
  readonly nodeSubnet?: SubnetFact;
}

export interface World {
  readonly intent: Intent;
  readonly artifacts: Artifacts;
  readonly network: NetworkFacts;
  /** Azure Firewalls of every stack. */
  readonly firewalls: readonly FirewallFact[];
  /** Route tables of every stack, with their routes and subnets. */
  readonly routeTables: readonly RouteTableFact[];
  readonly levels: ReadonlyMap<string, LevelWorld>;
  /** With `firewall.placement: hub` in the config: the hub's firewall and VNET as the stacks have them; undefined otherwise. */
  readonly hub?: HubWorld;
}

/** Links artifacts and intent. Pure: reads nothing from disk. */
export function buildWorld(intent: Intent, artifacts: Artifacts): World {
  const network = readNetworkFacts(artifacts.stacks);
  const levels = new Map<string, LevelWorld>();
  for (const level of intent.levels) {
    const m = artifacts.manifests.get(level.name);
    const objects = m?.objects ?? [];
    const stack = artifacts.stacks.find((s) => s.stack === level.name);
    const vnet = network.vnets.find((v) => v.stack === level.name);
    levels.set(level.name, {
      level,
      objects,
      hasManifests: m !== undefined,
      envoy: components(objects, 'envoy.yaml', parseEnvoyBootstrap),
      dnsmasq: components(objects, 'dnsmasq.conf', parseDnsmasqConf),
      coredns: corednsOf(objects),
      hasStack: stack !== undefined,
      stackFile: stack?.file,
      vnet,
      nodeSubnet: nodeSubnetOf(network, level, vnet),
    });
  }
  const firewalls = readFirewallFacts(artifacts.stacks);
  return { intent, artifacts, network, levels, firewalls, routeTables: readRouteTables(artifacts.stacks), hub: findHub(intent, network, levels, firewalls) };
}

function corednsOf(objects: readonly KubeObject[]): LevelWorld['coredns'] {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.name === 'coredns-custom' && o.namespace === 'kube-system');
  return cm ? { configMap: cm, config: parseCorednsCustom((cm.body.data ?? {}) as Record<string, string>) } : undefined;
}

function components<T>(objects: readonly KubeObject[], key: string, parse: (text: string) => T): Array<Component<T>> {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && typeof o.body.data?.[key] === 'string')
    .map((cm) => {
      let config: T | undefined;
      let parseError: string | undefined;
      try {
        config = parse(cm.body.data[key]);
      } catch (e) {
        parseError = (e as Error).message.split('\n')[0];
      }
      const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && o.namespace === cm.namespace && mountedConfigMaps(o).includes(cm.name));
      const services = objects
        .filter((o) => o.kind === 'Service' && o.namespace === cm.namespace && workloads.some((w) => selects(o.body.spec?.selector, podLabels(w))))
        .map((s) => serviceInfo(s, workloads));
      return { configMap: cm, key, config, parseError, workloads, services };
    });
}

/** Reads a Service: type, planned load balancer IP, internal flag, ports with resolved target ports. */
export function serviceInfo(s: KubeObject, workloads: readonly KubeObject[]): ServiceInfo {
  const annotations = (s.body.metadata?.annotations ?? {}) as Record<string, string>;
  const named = new Map<string, number>();
  for (const w of workloads) for (const c of containers(w)) for (const p of c.ports ?? []) if (p.name) named.set(String(p.name), Number(p.containerPort));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Service ports as parsed from YAML: any shape, read defensively
  const ports = ((s.body.spec?.ports ?? []) as Array<Record<string, any>>).map((p) => {
    const tp = p.targetPort;
    const targetPort = tp === undefined ? Number(p.port) : typeof tp === 'number' || /^\d+$/.test(String(tp)) ? Number(tp) : named.get(String(tp));
    return { port: Number(p.port), protocol: (p.protocol ?? 'TCP') as ServicePort['protocol'], targetPort, name: p.name };
  });
  return {
    object: s,
    type: String(s.body.spec?.type ?? 'ClusterIP'),
    loadBalancerIp: annotations[LB_IP_ANNOTATION] ?? s.body.spec?.loadBalancerIP,
    internal: String(annotations[LB_INTERNAL_ANNOTATION]) === 'true',
    ports,
  };
}

/** The subnet the level's AKS nodes use: the cluster's node pool subnet, else the subnet holding none of the load balancer IPs. */
function nodeSubnetOf(network: NetworkFacts, level: IntentLevel, vnet: VnetFact | undefined): SubnetFact | undefined {
  const cluster = network.clusters.find((c) => c.stack === level.name);
  if (cluster?.nodeSubnet) return network.subnets.find((s) => s.key === cluster.nodeSubnet);
  const own = network.subnets.filter((s) => s.stack === level.name && (!vnet || s.vnet === vnet.key));
  const lbIp = parseRange(level.envoyIp)!;
  return own.find((s) => s.prefixes.every((p) => !rangeHas(p, lbIp))) ?? own[0];
}

function rangeHas(cidr: string, ip: Range): boolean {
  const r = parseRange(cidr);
  return r !== undefined && r.lo <= ip.lo && ip.hi <= r.hi;
}

/** The main Envoy component of a level: the one with a LoadBalancer Service, else the first. */
export function mainEnvoy(lw: LevelWorld): Component<EnvoyConfig> | undefined {
  return lw.envoy.find((c) => c.services.some((s) => s.type === 'LoadBalancer')) ?? lw.envoy[0];
}

export function mainDnsmasq(lw: LevelWorld): Component<DnsmasqConfig> | undefined {
  return lw.dnsmasq.find((c) => c.services.some((s) => s.type === 'LoadBalancer')) ?? lw.dnsmasq[0];
}

/** NSGs associated with a subnet. */
export function nsgsOf(world: World, subnet: SubnetFact | undefined): NsgFact[] {
  if (!subnet) return [];
  return subnet.nsgs.map((k) => world.network.nsgs.find((n) => n.key === k)).filter((n): n is NsgFact => n !== undefined);
}

/**
 * What each NSG of a level's node subnet decides for an outbound flow from that subnet to
 * `destination`; empty when the subnet has no NSG (Azure then allows everything).
 */
export function outboundNsgDecisions(
  world: World,
  lw: LevelWorld,
  flow: { readonly protocol: 'Tcp' | 'Udp'; readonly port: number; readonly destination: Endpoint },
): Array<{ nsg: NsgFact; d: NsgDecision }> {
  if (!lw.nodeSubnet) return [];
  const range = parseRange(lw.nodeSubnet.prefixes[0] ?? lw.level.addressSpace)!;
  return nsgsOf(world, lw.nodeSubnet).map((nsg) => ({
    nsg,
    d: evaluateNsg(nsg, { direction: 'Outbound', ...flow, source: { kind: 'range', range }, virtualNetwork: virtualNetworkRanges(world, lw.vnet) }),
  }));
}

/** Whether VNETs `a` and `b` are peered in both directions with virtual network access. */
export function peeredBothWays(world: World, a: VnetFact, b: VnetFact): boolean {
  const one = (x: string, y: string) => world.network.peerings.some((p) => p.localVnet === x && p.remoteVnet === y && p.allowVirtualNetworkAccess);
  return one(a.key, b.key) && one(b.key, a.key);
}

/** The hub of `firewall.placement: hub`: its firewall, and the VNET holding that firewall's subnet (no level's). */
export interface HubWorld {
  readonly firewall?: FirewallFact;
  readonly vnet?: VnetFact;
}

/** The hub, when the config places the firewall in one: the firewall of no level's stack, and the VNET of no level that holds its IP. */
function findHub(intent: Intent, network: NetworkFacts, levels: ReadonlyMap<string, LevelWorld>, firewalls: readonly FirewallFact[]): HubWorld | undefined {
  if (intent.firewall?.placement !== 'hub') return undefined;
  const levelVnets = new Set([...levels.values()].map((l) => l.vnet?.key));
  const firewall = firewalls.find((f) => !levels.has(f.stack)) ?? firewalls[0];
  const others = network.vnets.filter((v) => !levelVnets.has(v.key));
  const ip = firewall?.privateIp ? parseRange(firewall.privateIp) : undefined;
  const vnet =
    others.find((v) => ip !== undefined && v.addressSpace.some((a) => rangeHas(a, ip))) ??
    others.find((v) => firewall !== undefined && v.stack === firewall.stack);
  return { firewall, vnet };
}

/** Address ranges the `VirtualNetwork` tag covers for a VNET: its own space plus peered VNETs'. */
export function virtualNetworkRanges(world: World, vnet: VnetFact | undefined): Range[] {
  if (!vnet) return [];
  const keys = new Set([vnet.key]);
  for (const p of world.network.peerings) if (p.localVnet === vnet.key && p.remoteVnet && p.allowVirtualNetworkAccess) keys.add(p.remoteVnet);
  return world.network.vnets.filter((v) => keys.has(v.key)).flatMap((v) => v.addressSpace.map((a) => parseRange(a)).filter((r): r is Range => r !== undefined));
}
