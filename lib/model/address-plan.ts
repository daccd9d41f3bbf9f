import { AZURE_SUBNET_RESERVED } from './azure-facts';
import { Cidr, formatCidr, formatIpv4, subnetAt } from './ipv4';

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
 * Layout of the level's address space (prefix /8 to /22), split into quarters:
 *
 * | quarter | use |
 * |---|---|
 * | 0 | `nodes`: the AKS node subnet (a /18 of a /16) |
 * | 1 | `egress-ilb`: the first /24 holds the internal load balancers |
 * | 2, 3 | free for the user's own subnets |
 *
 * In `egress-ilb`, Azure reserves the first four addresses and the last one; the Envoy
 * load balancer takes `.4`, the DNS load balancer `.5`.
 */
export interface LevelAddressPlan {
  /** The level's VNET address space (`levels[].addressSpace`). */
  readonly addressSpace: string;
  /** The AKS node subnet (`nodes`, the first quarter). */
  readonly nodeSubnet: PlannedSubnet;
  /** The internal load balancers' subnet (`egress-ilb`, the first /24 of the second quarter). */
  readonly loadBalancerSubnet: PlannedSubnet;
  /** Static private IP of the level's Envoy internal load balancer. */
  readonly envoyIp: string;
  /** Static private IP of the level's DNS (dnsmasq) internal load balancer. */
  readonly dnsIp: string;
}

/** Smallest address space the plan supports: a quarter must still hold a /24. */
export const MAX_LEVEL_PREFIX = 22;
/** Largest address space the plan supports. */
export const MIN_LEVEL_PREFIX = 8;
export const NODE_SUBNET_NAME = 'nodes';
export const LOAD_BALANCER_SUBNET_NAME = 'egress-ilb';
/** Offset of the Envoy IP inside the load balancer subnet: the first address Azure does not reserve. */
export const ENVOY_IP_OFFSET = AZURE_SUBNET_RESERVED.first;
/** Offset of the DNS IP inside the load balancer subnet: the one after Envoy's. */
export const DNS_IP_OFFSET = ENVOY_IP_OFFSET + 1;

/** Plans one level's subnets and IPs. The caller has checked the prefix range. */
export function planLevelAddresses(space: Cidr): LevelAddressPlan {
  const quarterPrefix = space.prefix + 2;
  const nodes = subnetAt(space, quarterPrefix, 0);
  const secondQuarter = subnetAt(space, quarterPrefix, 1);
  const loadBalancers = subnetAt(secondQuarter, 24, 0);
  return {
    addressSpace: formatCidr(space),
    nodeSubnet: { name: NODE_SUBNET_NAME, cidr: formatCidr(nodes) },
    loadBalancerSubnet: { name: LOAD_BALANCER_SUBNET_NAME, cidr: formatCidr(loadBalancers) },
    envoyIp: formatIpv4(loadBalancers.network + ENVOY_IP_OFFSET),
    dnsIp: formatIpv4(loadBalancers.network + DNS_IP_OFFSET),
  };
}
