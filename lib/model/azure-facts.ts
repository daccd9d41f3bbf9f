/**
 * Facts of the Azure platform the model, the renderers, the network stacks and the
 * verifier all rely on, written once. Plain constants: lib/verify may import them without
 * depending on the code that writes the artifacts.
 */

/**
 * Azure's virtual public IP: platform DNS (Azure DNS), load balancer health probes and
 * the VM agent, reachable from every VNET ("What is IP address 168.63.129.16?").
 */
export const AZURE_PLATFORM_IP = '168.63.129.16';

/** Azure DNS, reachable from every VNET: the platform address. */
export const AZURE_DNS_IP = AZURE_PLATFORM_IP;

/**
 * Service tag of Azure's platform DNS ({@link AZURE_DNS_IP}). NSGs let DNS to it pass
 * unless a rule names this tag ("Azure service tags overview": AzurePlatformDNS;
 * "Azure network security groups overview", Azure platform considerations).
 */
export const AZURE_PLATFORM_DNS_TAG = 'AzurePlatformDNS';

/**
 * The private DNS zone of private AKS API servers in `location`, the name a custom zone
 * must have in Azure's global cloud ("Create a private Azure Kubernetes Service (AKS)
 * cluster", "Configuration options for private DNS").
 */
export function privateClusterZone(location: string): string {
  return `privatelink.${location}.azmk8s.io`;
}

/**
 * The private address ranges: RFC 1918 and RFC 6598's shared space. Azure's `Internet`
 * service tag leaves them out, and Azure Firewall does not translate the source of
 * network-rule traffic to them ("Azure Firewall SNAT private IP address ranges").
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/**
 * Limits of a network security group ("Azure subscription and service limits",
 * networking; "Network security groups", security rules): priorities 100-4096, rule names
 * of at most 80 characters, 1000 rules per NSG.
 */
export const NSG_LIMITS = { minPriority: 100, maxPriority: 4096, maxNameLength: 80, maxRules: 1000 } as const;

/**
 * Addresses Azure keeps in every subnet ("Virtual network FAQ": are there any
 * restrictions on using IP addresses within these subnets?): the network address and the
 * next three (gateway, two for Azure DNS), and the broadcast address.
 */
export const AZURE_SUBNET_RESERVED = { first: 4, last: 1 } as const;

/** Blocks Azure refuses in a VNET address space, or that would collide with Azure's own services. */
export const AZURE_VNET_RESERVED_RANGES: ReadonlyArray<{ readonly cidr: string; readonly why: string }> = [
  { cidr: '0.0.0.0/8', why: 'the "this network" block' },
  { cidr: '127.0.0.0/8', why: 'loopback' },
  { cidr: '169.254.0.0/16', why: 'link-local (Azure metadata and DNS live there)' },
  { cidr: `${AZURE_PLATFORM_IP}/32`, why: "Azure's platform DNS and health-probe address" },
  { cidr: '224.0.0.0/3', why: 'multicast and reserved' },
];
