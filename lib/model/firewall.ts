/**
 * The optional Azure Firewall (config sections `firewall:` and `hub:`): its options with
 * defaults applied, and where it sits in the address plan. Absent `firewall:`, the model
 * has no firewall and nothing the rest of the project writes changes.
 */
import type { RawFirewall, RawHub } from './config';
import { Cidr, cidrsOverlap, formatCidr, formatIpv4, parseCidr, subnetAt } from './ipv4';
import { LevelAddressPlan, PlannedSubnet, QUARTER_LAYOUT_MAX_PREFIX } from './address-plan';
import type { ClusterOptions, WorkloadOptions } from './options';

/** Name Azure requires for the firewall's subnet ("Azure Firewall FAQ"). */
export const FIREWALL_SUBNET_NAME = 'AzureFirewallSubnet';
/** Azure Firewall needs a subnet of at least /26 ("Azure Firewall FAQ": "Why does Azure Firewall need a /26 subnet size?"). */
export const FIREWALL_SUBNET_PREFIX = 26;
/** The firewall takes the first usable address of its subnet (Azure reserves .0 to .3). */
export const FIREWALL_IP_OFFSET = 4;
/** Highest destination port Azure Firewall rules accept ("Azure Firewall FAQ": ports 0-64000). */
export const FIREWALL_MAX_PORT = 64000;

/** The firewall options, defaults applied. */
export interface FirewallOptions {
  /** `top`: in the top level's VNET; `hub`: in a hub VNET every level is peered with. */
  readonly placement: 'top' | 'hub';
  /** Azure Firewall tier; Premium adds IDPS and TLS inspection. @default 'Premium' */
  readonly sku: 'Standard' | 'Premium';
  /** Threat intelligence mode. @default 'Deny' */
  readonly threatIntel: 'Off' | 'Alert' | 'Deny';
  /** IDPS mode, Premium only. @default 'Alert' with Premium, 'Off' with Standard */
  readonly idps: 'Off' | 'Alert' | 'Deny';
  /** Public IPs of the firewall (SNAT ports scale with them). @default 1 */
  readonly publicIps: number;
  /** Premium TLS inspection: the Key Vault secret holding the intermediate CA. @default undefined (no TLS inspection) */
  readonly tls?: { readonly keyVaultSecretId: string };
}

/** Where the firewall sits: its subnet and private IP (the next hop and the DNS proxy). */
export interface FirewallAddressPlan {
  /** `AzureFirewallSubnet`, a /26. */
  readonly subnet: PlannedSubnet;
  /** The firewall's private IP: `.4` of its subnet. */
  readonly privateIp: string;
}

/** The hub VNET (placement `hub`). */
export interface HubModel {
  /** The hub VNET's IPv4 CIDR. */
  readonly addressSpace: string;
}

/** The firewall as the renderers and constructs read it. */
export interface FirewallModel extends FirewallOptions {
  /** The firewall's planned subnet and private IP. */
  readonly addresses: FirewallAddressPlan;
  /** Placement `hub` only. */
  readonly hub?: HubModel;
}

/** Defaults the model applies (the JSON Schema shows them). */
export const FIREWALL_DEFAULTS = { sku: 'Premium', threatIntel: 'Deny', idps: 'Alert', publicIps: 1 } as const;

/** Applies the defaults. */
export function firewallOptions(raw: RawFirewall): FirewallOptions {
  const sku = raw.sku ?? FIREWALL_DEFAULTS.sku;
  return {
    placement: raw.placement,
    sku,
    threatIntel: raw.threatIntel ?? FIREWALL_DEFAULTS.threatIntel,
    idps: raw.idps ?? (sku === 'Premium' ? FIREWALL_DEFAULTS.idps : 'Off'),
    publicIps: raw.publicIps ?? FIREWALL_DEFAULTS.publicIps,
    tls: raw.tls ? { keyVaultSecretId: raw.tls.keyVaultSecretId } : undefined,
  };
}

/** The firewall's subnet and IP inside `block` (its first /26). */
export function planFirewallAddresses(block: Cidr): FirewallAddressPlan {
  const subnet = subnetAt(block, FIREWALL_SUBNET_PREFIX, 0);
  return { subnet: { name: FIREWALL_SUBNET_NAME, cidr: formatCidr(subnet) }, privateIp: formatIpv4(subnet.network + FIREWALL_IP_OFFSET) };
}

/**
 * Placement `top`: the firewall takes a /26 of the top level's address space that the
 * plan leaves free: the first /26 of the last quarter when the space is laid out in
 * quarters (/8 to /22: the first quarter holds the nodes, the second the load
 * balancers), else the first /26 that overlaps neither planned subnet. Undefined when
 * no /26 is free (the checks report it).
 */
export function planTopFirewall(top: LevelAddressPlan): FirewallAddressPlan | undefined {
  const cidr = (text: string) => (parseCidr(text) as { ok: true; value: Cidr }).value;
  const space = cidr(top.addressSpace);
  if (space.prefix > FIREWALL_SUBNET_PREFIX) return undefined;
  const taken = [cidr(top.nodeSubnet.cidr), cidr(top.loadBalancerSubnet.cidr)];
  const free = (c: Cidr) => !taken.some((t) => cidrsOverlap(t, c));
  const candidates: Cidr[] = [];
  if (space.prefix <= QUARTER_LAYOUT_MAX_PREFIX) candidates.push(subnetAt(subnetAt(space, space.prefix + 2, 3), FIREWALL_SUBNET_PREFIX, 0));
  for (let i = 0; i < 2 ** (FIREWALL_SUBNET_PREFIX - space.prefix); i++) candidates.push(subnetAt(space, FIREWALL_SUBNET_PREFIX, i));
  const found = candidates.find(free);
  return found ? planFirewallAddresses(found) : undefined;
}

/** Placement `hub`: the firewall takes the first /26 of the hub's address space. */
export function planHubFirewall(hubSpace: Cidr): FirewallAddressPlan {
  return planFirewallAddresses(hubSpace);
}

/**
 * The firewall model; undefined without a `firewall:` section, and for placement `hub`
 * without a hub that holds a /26 (the checks report that).
 */
export function buildFirewallModel(raw: RawFirewall | undefined, hub: RawHub | undefined, top: LevelAddressPlan): FirewallModel | undefined {
  if (!raw) return undefined;
  const options = firewallOptions(raw);
  const cidr = (text: string) => (parseCidr(text) as { ok: true; value: Cidr }).value;
  if (options.placement === 'hub') {
    if (!hub) return undefined;
    const space = cidr(hub.addressSpace);
    if (space.prefix > FIREWALL_SUBNET_PREFIX) return undefined;
    return { ...options, addresses: planHubFirewall(space), hub: { addressSpace: formatCidr(space) } };
  }
  const addresses = planTopFirewall(top);
  return addresses ? { ...options, addresses } : undefined;
}

/**
 * The model with its firewall: the top level's nodes leave through it
 * (`userDefinedRouting`), and the top Envoy and dnsmasq resolve through its DNS proxy, so
 * the firewall's FQDN network rules and the proxies see the same answers. Without a
 * firewall the model is returned as it is.
 */
export function withFirewall<M extends { readonly cluster: ClusterOptions; readonly workloads: WorkloadOptions }>(
  model: M,
  firewall: FirewallModel | undefined,
): M & { readonly firewall?: FirewallModel } {
  if (!firewall) return model;
  const dnsProxy = firewall.addresses.privateIp;
  return {
    ...model,
    cluster: { ...model.cluster, outboundType: 'userDefinedRouting' },
    workloads: {
      ...model.workloads,
      envoy: { ...model.workloads.envoy, upstreamDns: [dnsProxy] },
      dnsmasq: { ...model.workloads.dnsmasq, upstreamDns: dnsProxy },
    },
    firewall,
  };
}
