import { AZURE_SUBNET_RESERVED } from './azure-facts';
import { Cidr, cidrLast, cidrsOverlap, formatCidr, formatIpv4, parseCidr, parseIpv4, subnetAt } from './ipv4';

/** A planned subnet: a stable name (unique inside its VNET) and its block. */
export interface PlannedSubnet {
  /** The subnet's name in its VNET. */
  readonly name: string;
  /** The subnet's block (CIDR). */
  readonly cidr: string;
}

/**
 * The addresses of one level, computed at synth time so that the Terraform side (NSG
 * rules, VNET DNS of the level below) and the Kubernetes side (load balancer IP
 * annotations, the lower level's Envoy upstream) read the same values without a
 * deploy-then-read step.
 *
 * The automatic layout adapts to the size of the address space:
 *
 * | address space | `nodes` (AKS nodes) | `egress-ilb` (internal load balancers) | free for your subnets |
 * |---|---|---|---|
 * | /8 to /22 | first quarter (a /18 of a /16) | first /24 of the second quarter | third and fourth quarters |
 * | /23 to /28 | first half (a /24 of a /23) | first quarter of the second half, at least a /29 (a /25 of a /23) | the rest of the second half |
 *
 * Each of them can be set per level instead (`levels[].nodeSubnet`,
 * `levels[].loadBalancerSubnet`, `levels[].envoyIp`, `levels[].dnsIp`). In `egress-ilb`,
 * Azure reserves the first four addresses and the last one; by default the Envoy load
 * balancer takes `.4`, the DNS load balancer `.5` (of the subnet).
 */
export interface LevelAddressPlan {
  /** The level's VNET address space (`levels[].addressSpace`). */
  readonly addressSpace: string;
  /** The AKS node subnet (`nodes`; automatic or `levels[].nodeSubnet`). */
  readonly nodeSubnet: PlannedSubnet;
  /** The internal load balancers' subnet (`egress-ilb`; automatic or `levels[].loadBalancerSubnet`). */
  readonly loadBalancerSubnet: PlannedSubnet;
  /** Static private IP of the level's Envoy internal load balancer. */
  readonly envoyIp: string;
  /** Static private IP of the level's DNS (dnsmasq) internal load balancer. */
  readonly dnsIp: string;
}

/** Per-level choices that replace parts of the automatic plan (already parsed: valid CIDRs and IPs). */
export interface AddressOverrides {
  /** The AKS node subnet. @default automatic */
  readonly nodeSubnet?: string;
  /** The subnet of the internal load balancers. @default automatic */
  readonly loadBalancerSubnet?: string;
  /** The Envoy load balancer's IP, inside the load balancer subnet. @default its 5th address (.4) */
  readonly envoyIp?: string;
  /** The DNS load balancer's IP, inside the load balancer subnet. @default its 6th address (.5) */
  readonly dnsIp?: string;
}

/**
 * Smallest address space the plan supports: two /29 subnets, Azure's smallest
 * (virtual-networks-faq), one for the nodes and one for the load balancers.
 */
export const MAX_LEVEL_PREFIX = 28;
/** Largest address space the plan supports. */
export const MIN_LEVEL_PREFIX = 8;
/** Largest space planned in quarters (today's layout); smaller ones give the nodes half. */
export const QUARTER_LAYOUT_MAX_PREFIX = 22;
/** Azure's smallest subnet (virtual-networks-faq: "The smallest supported IPv4 subnet is /29"). */
export const MAX_SUBNET_PREFIX = 29;
/** The load balancer subnet of the quarter layout, and the largest the automatic plan makes. */
export const LOAD_BALANCER_SUBNET_PREFIX = 24;
export const NODE_SUBNET_NAME = 'nodes';
export const LOAD_BALANCER_SUBNET_NAME = 'egress-ilb';
/** Offset of the Envoy IP inside the load balancer subnet: the first address Azure does not reserve. */
export const ENVOY_IP_OFFSET = AZURE_SUBNET_RESERVED.first;
/** Offset of the DNS IP inside the load balancer subnet: the one after Envoy's. */
export const DNS_IP_OFFSET = ENVOY_IP_OFFSET + 1;

/** Where the automatic plan puts a level's subnets in a space of the supported range. */
export function automaticSubnets(space: Cidr): { nodes: Cidr; loadBalancers: Cidr } {
  if (space.prefix <= QUARTER_LAYOUT_MAX_PREFIX) {
    const quarterPrefix = space.prefix + 2;
    return { nodes: subnetAt(space, quarterPrefix, 0), loadBalancers: subnetAt(subnetAt(space, quarterPrefix, 1), LOAD_BALANCER_SUBNET_PREFIX, 0) };
  }
  const secondHalf = subnetAt(space, space.prefix + 1, 1);
  return { nodes: subnetAt(space, space.prefix + 1, 0), loadBalancers: subnetAt(secondHalf, Math.min(space.prefix + 2, MAX_SUBNET_PREFIX), 0) };
}

/**
 * Plans one level's subnets and IPs: the automatic layout, with each override in place of
 * its part. A subnet left automatic moves to the first free block of its size when an
 * overridden one takes its place; an IP left automatic is the subnet's `.4` or `.5`, or
 * the next address when the other IP was set there. The caller has checked the prefix
 * range and validates the result ({@link plannedSubnets}, `addressPlanProblems`).
 */
export function planLevelAddresses(space: Cidr, overrides: AddressOverrides = {}): LevelAddressPlan {
  const auto = automaticSubnets(space);
  const given = (text: string | undefined) => (text === undefined ? undefined : (parseCidr(text) as { ok: true; value: Cidr }).value);
  const fixedNodes = given(overrides.nodeSubnet);
  const fixedLbs = given(overrides.loadBalancerSubnet);
  const taken = [fixedNodes, fixedLbs].filter((c): c is Cidr => c !== undefined);
  const nodes = fixedNodes ?? firstFree(space, auto.nodes, taken);
  const loadBalancers = fixedLbs ?? firstFree(space, auto.loadBalancers, [...taken, nodes]);
  const envoyIp = overrides.envoyIp ?? freeAddress(loadBalancers, ENVOY_IP_OFFSET, overrides.dnsIp);
  const dnsIp = overrides.dnsIp ?? freeAddress(loadBalancers, DNS_IP_OFFSET, envoyIp);
  return {
    addressSpace: formatCidr(space),
    nodeSubnet: { name: NODE_SUBNET_NAME, cidr: formatCidr(nodes) },
    loadBalancerSubnet: { name: LOAD_BALANCER_SUBNET_NAME, cidr: formatCidr(loadBalancers) },
    envoyIp,
    dnsIp,
  };
}

/**
 * Every subnet a level's VNET holds, in the order they are declared. Validation checks each
 * against the space and the others.
 * @param firewallSubnet `AzureFirewallSubnet` when the level holds the firewall (`firewall.placement: top`, the top level) @default undefined
 */
export function plannedSubnets(plan: LevelAddressPlan, firewallSubnet?: PlannedSubnet): PlannedSubnet[] {
  return firewallSubnet ? [plan.nodeSubnet, plan.loadBalancerSubnet, firewallSubnet] : [plan.nodeSubnet, plan.loadBalancerSubnet];
}

/** `preferred` when it overlaps none of `taken`, else the first block of its size in `space` that does (or `preferred`, for validation to report). */
function firstFree(space: Cidr, preferred: Cidr, taken: readonly Cidr[]): Cidr {
  const free = (c: Cidr) => !taken.some((t) => cidrsOverlap(t, c));
  if (free(preferred)) return preferred;
  const count = 2 ** (preferred.prefix - space.prefix);
  for (let i = 0; i < count; i++) {
    const candidate = subnetAt(space, preferred.prefix, i);
    if (free(candidate)) return candidate;
  }
  return preferred;
}

/** The address at `offset` in the subnet, or the next usable one when `other` is already there. */
function freeAddress(subnet: Cidr, offset: number, other: string | undefined): string {
  const first = subnet.network + offset;
  const ip = other !== undefined && parseIpv4(other) === first && first + 1 < cidrLast(subnet) ? first + 1 : first;
  return formatIpv4(ip);
}
