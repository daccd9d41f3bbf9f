import { Source } from '../types';
import { addressOf, TfBlock, TfResolver, TfStack } from './terraform';

/**
 * The network facts of the Terraform JSON, in the terms the verifier reasons about:
 * VNETs with their DNS servers, subnets with the NSG associated to them, NSG rules
 * (inline `security_rule` blocks and standalone `azurerm_network_security_rule`),
 * peerings, and the subnet each AKS cluster's nodes live in.
 */

export interface VnetFact {
  /** `<stack>/<address>`. */
  readonly key: string;
  readonly stack: string;
  readonly name?: string;
  readonly addressSpace: readonly string[];
  /** Custom DNS servers; undefined or empty means Azure-provided DNS. */
  readonly dnsServers?: readonly string[];
  readonly source: Source;
}

export interface NsgRuleFact {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  /** `Tcp`, `Udp`, `Icmp`, `*` ... as written. */
  readonly protocol: string;
  readonly sourcePrefixes: readonly string[];
  readonly destinationPrefixes: readonly string[];
  readonly destinationPorts: readonly string[];
  /** Azure's default rule (not in any file). */
  readonly builtIn?: boolean;
  readonly source?: Source;
}

export interface NsgFact {
  readonly key: string;
  readonly stack: string;
  readonly name?: string;
  readonly rules: readonly NsgRuleFact[];
  readonly source: Source;
  /** Rules whose NSG reference could not be resolved, or with unreadable values. */
  readonly problems: readonly string[];
}

export interface SubnetFact {
  readonly key: string;
  readonly stack: string;
  readonly name?: string;
  /** VNET key, when the reference resolves. */
  readonly vnet?: string;
  readonly prefixes: readonly string[];
  /** NSG keys associated with this subnet. */
  readonly nsgs: readonly string[];
  readonly source: Source;
}

export interface PeeringFact {
  readonly stack: string;
  readonly localVnet?: string;
  /** VNET key of the remote side, when it can be found. */
  readonly remoteVnet?: string;
  readonly remoteRaw: string;
  readonly allowVirtualNetworkAccess: boolean;
  readonly source: Source;
}

export interface ClusterFact {
  readonly stack: string;
  readonly name?: string;
  /** Subnet key of the default node pool. */
  readonly nodeSubnet?: string;
  /**
   * `network_profile.outbound_type` as written; undefined when the file does not set it,
   * which azurerm reads as `loadBalancer` (a public egress IP).
   */
  readonly outboundType?: string;
  readonly source: Source;
}

export interface NetworkFacts {
  readonly vnets: readonly VnetFact[];
  readonly subnets: readonly SubnetFact[];
  readonly nsgs: readonly NsgFact[];
  readonly peerings: readonly PeeringFact[];
  readonly clusters: readonly ClusterFact[];
}

const keyOf = (b: TfBlock) => `${b.stack}/${addressOf(b)}`;
const src = (b: TfBlock): Source => ({ file: b.file, object: addressOf(b), line: b.line });

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** Extracts the network facts of all stacks. */
export function readNetworkFacts(stacks: readonly TfStack[]): NetworkFacts {
  const r = new TfResolver(stacks);
  const all = stacks.flatMap((s) => s.blocks);
  const of = (type: string) => all.filter((b) => b.mode === 'resource' && b.type === type);
  const refKey = (b: TfBlock, value: unknown, type: string): string | undefined => {
    const ref = r.ref(b.stack, value);
    if (ref && ref.block.type === type) return keyOf(ref.block);
    return undefined;
  };

  const vnets: VnetFact[] = of('azurerm_virtual_network').map((b) => ({
    key: keyOf(b),
    stack: b.stack,
    name: r.string(b.stack, b.body.name),
    addressSpace: r.strings(b.stack, b.body.address_space),
    dnsServers: b.body.dns_servers === undefined ? undefined : r.strings(b.stack, b.body.dns_servers),
    source: src(b),
  }));
  // azurerm_virtual_network_dns_servers is the standalone form of dns_servers.
  for (const b of of('azurerm_virtual_network_dns_servers')) {
    const vnetKey = vnetFromId(r, b, b.body.virtual_network_id, vnets);
    const i = vnets.findIndex((v) => v.key === vnetKey);
    if (i >= 0) vnets[i] = { ...vnets[i], dnsServers: r.strings(b.stack, b.body.dns_servers), source: src(b) };
  }

  const nsgs = new Map<string, { fact: Omit<NsgFact, 'rules' | 'problems'>; rules: NsgRuleFact[]; problems: string[] }>();
  for (const b of of('azurerm_network_security_group')) {
    const entry = {
      fact: { key: keyOf(b), stack: b.stack, name: r.string(b.stack, b.body.name), source: src(b) },
      rules: [] as NsgRuleFact[],
      problems: [] as string[],
    };
    for (const [i, rule] of list(b.body.security_rule).entries())
      entry.rules.push(readRule(r, b, rule as Record<string, unknown>, { file: b.file, object: `${addressOf(b)} security_rule[${i}]`, line: b.line }));
    nsgs.set(entry.fact.key, entry);
  }
  for (const b of of('azurerm_network_security_rule')) {
    const nsgRef = r.ref(b.stack, b.body.network_security_group_name);
    let target = nsgRef && nsgRef.block.type === 'azurerm_network_security_group' ? nsgs.get(keyOf(nsgRef.block)) : undefined;
    if (!target) {
      const name = r.string(b.stack, b.body.network_security_group_name);
      target = [...nsgs.values()].find((n) => n.fact.stack === b.stack && n.fact.name === name);
    }
    const rule = readRule(r, b, b.body as Record<string, unknown>, src(b));
    if (target) target.rules.push(rule);
    else for (const n of nsgs.values()) if (n.fact.stack === b.stack) n.problems.push(`${addressOf(b)} names an NSG that is not in ${b.file}`);
  }

  const assoc = new Map<string, string[]>();
  for (const b of of('azurerm_subnet_network_security_group_association')) {
    const subnet = refKey(b, b.body.subnet_id, 'azurerm_subnet');
    const nsg = refKey(b, b.body.network_security_group_id, 'azurerm_network_security_group');
    if (subnet && nsg) assoc.set(subnet, [...(assoc.get(subnet) ?? []), nsg]);
  }
  const subnets: SubnetFact[] = of('azurerm_subnet').map((b) => {
    const vnetRef = r.ref(b.stack, b.body.virtual_network_name);
    let vnet = vnetRef && vnetRef.block.type === 'azurerm_virtual_network' ? keyOf(vnetRef.block) : undefined;
    if (!vnet) {
      const name = r.string(b.stack, b.body.virtual_network_name);
      vnet = vnets.find((v) => v.stack === b.stack && v.name === name)?.key;
    }
    return {
      key: keyOf(b),
      stack: b.stack,
      name: r.string(b.stack, b.body.name),
      vnet,
      prefixes: r.strings(b.stack, b.body.address_prefixes ?? b.body.address_prefix),
      nsgs: assoc.get(keyOf(b)) ?? [],
      source: src(b),
    };
  });

  const peerings: PeeringFact[] = of('azurerm_virtual_network_peering').map((b) => {
    const localRef = r.ref(b.stack, b.body.virtual_network_name);
    let localVnet = localRef && localRef.block.type === 'azurerm_virtual_network' ? keyOf(localRef.block) : undefined;
    if (!localVnet) {
      const name = r.string(b.stack, b.body.virtual_network_name);
      localVnet = vnets.find((v) => v.name === name && v.stack === b.stack)?.key ?? vnets.find((v) => v.name === name)?.key;
    }
    return {
      stack: b.stack,
      localVnet,
      remoteVnet: vnetFromId(r, b, b.body.remote_virtual_network_id, vnets),
      remoteRaw: String(b.body.remote_virtual_network_id),
      allowVirtualNetworkAccess: b.body.allow_virtual_network_access !== false,
      source: src(b),
    };
  });

  const clusters: ClusterFact[] = of('azurerm_kubernetes_cluster').map((b) => {
    const pool = list(b.body.default_node_pool)[0] as Record<string, unknown> | undefined;
    const profile = list(b.body.network_profile)[0] as Record<string, unknown> | undefined;
    const outboundType = profile?.outbound_type === undefined ? undefined : String(r.value(b.stack, profile.outbound_type));
    return {
      stack: b.stack,
      name: r.string(b.stack, b.body.name),
      nodeSubnet: pool ? refKey(b, pool.vnet_subnet_id, 'azurerm_subnet') : undefined,
      outboundType,
      source: src(b),
    };
  });

  return {
    vnets,
    subnets,
    nsgs: [...nsgs.values()].map((n) => ({ ...n.fact, rules: n.rules, problems: n.problems })),
    peerings,
    clusters,
  };
}

/** Finds the VNET a `*_id` value points at: a reference, a data source by name, or an Azure resource ID. */
export function vnetFromId(r: TfResolver, b: TfBlock, value: unknown, vnets: readonly VnetFact[]): string | undefined {
  const ref = r.ref(b.stack, value);
  if (ref) {
    if (ref.block.type === 'azurerm_virtual_network' && ref.block.mode === 'resource') return keyOf(ref.block);
    if (ref.block.type === 'azurerm_virtual_network') {
      const name = r.string(ref.block.stack, ref.block.body.name);
      return vnets.find((v) => v.name === name)?.key;
    }
    return undefined;
  }
  if (typeof value === 'string') {
    const m = /\/virtualNetworks\/([^/]+)$/i.exec(value);
    if (m) return vnets.find((v) => v.name === m[1])?.key;
  }
  return undefined;
}

function readRule(r: TfResolver, b: TfBlock, body: Record<string, unknown>, source: Source): NsgRuleFact {
  const many = (single: unknown, plural: unknown) => [...r.strings(b.stack, single), ...r.strings(b.stack, plural)];
  const direction = String(r.value(b.stack, body.direction));
  const access = String(r.value(b.stack, body.access));
  return {
    name: String(r.value(b.stack, body.name) ?? source.object),
    priority: Number(r.value(b.stack, body.priority)),
    direction: /^in/i.test(direction) ? 'Inbound' : 'Outbound',
    access: /^allow$/i.test(access) ? 'Allow' : 'Deny',
    protocol: String(r.value(b.stack, body.protocol) ?? '*'),
    sourcePrefixes: many(body.source_address_prefix, body.source_address_prefixes),
    destinationPrefixes: many(body.destination_address_prefix, body.destination_address_prefixes),
    destinationPorts: many(body.destination_port_range, body.destination_port_ranges).map((p) => String(p)),
    source,
  };
}
