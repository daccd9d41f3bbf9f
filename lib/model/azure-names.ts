import type { EgressModel, LevelModel } from './load';
import { HUB_STACK_NAME } from './firewall-rules';

/**
 * Azure resource names of one level, derived from the config's `name` and the level
 * name only, so a lower stack can name its parent's resources (for the peering back to
 * it) without a cross-stack reference, and the verifier can read them as plain strings.
 */
export interface LevelNames {
  readonly resourceGroup: string;
  readonly virtualNetwork: string;
  readonly networkSecurityGroup: string;
  /** Below the top only: the node subnet's route table (AKS userDefinedRouting). */
  readonly routeTable: string;
  readonly clusterIdentity: string;
  readonly cluster: string;
  readonly dnsPrefix: string;
  /** The resource group AKS creates for the nodes and load balancers (instead of `MC_<rg>_<cluster>_<region>`, often over 80 characters). */
  readonly nodeResourceGroup: string;
  readonly systemNodePool: string;
  /** Name AKS uses while it rotates the system pool (vmSize changes). */
  readonly systemNodePoolRotation: string;
}

/** Names of `level`'s resources. */
export function levelNames(model: Pick<EgressModel, 'name'>, level: Pick<LevelModel, 'name'>): LevelNames {
  const prefix = `${model.name}-${level.name}`;
  return {
    resourceGroup: `rg-${prefix}`,
    virtualNetwork: `vnet-${prefix}`,
    networkSecurityGroup: `nsg-${prefix}`,
    routeTable: `rt-${prefix}`,
    clusterIdentity: `id-aks-${prefix}`,
    cluster: `aks-${prefix}`,
    dnsPrefix: prefix,
    nodeResourceGroup: `rg-${prefix}-aks-nodes`,
    systemNodePool: 'system',
    systemNodePoolRotation: 'systemtmp',
  };
}

/**
 * Azure resource names of the firewall (config `firewall:`), in the top level's stack
 * (placement `top`) or the hub stack (placement `hub`); `owner` is that stack's name.
 */
export interface FirewallNames {
  readonly firewall: string;
  readonly policy: string;
  /** The policy's identity, which reads the TLS inspection CA from Key Vault. */
  readonly policyIdentity: string;
  /** Public IP `n` (1-based). */
  publicIp(n: number): string;
  /** IP group of a level's node subnet. */
  ipGroup(level: string): string;
}

/** Name of the stack (and Azure name part) holding a hub firewall. */
export const HUB_STACK = HUB_STACK_NAME;

/** Azure names of the hub's own resources (placement `hub`). */
export interface HubNames {
  readonly resourceGroup: string;
  readonly virtualNetwork: string;
}

/** Names of the hub's resource group and VNET: a level's names with the hub as the level, so a spoke names them without a reference. */
export function hubNames(model: Pick<EgressModel, 'name'>): HubNames {
  const n = levelNames(model, { name: HUB_STACK });
  return { resourceGroup: n.resourceGroup, virtualNetwork: n.virtualNetwork };
}

/** Names of the firewall's resources. */
export function firewallNames(model: Pick<EgressModel, 'name'>, owner: string): FirewallNames {
  const prefix = `${model.name}-${owner}`;
  return {
    firewall: `afw-${prefix}`,
    policy: `afwp-${prefix}`,
    policyIdentity: `id-afwp-${prefix}`,
    publicIp: (n) => `pip-afw-${prefix}-${n}`,
    ipGroup: (level) => `ipg-${model.name}-${level}`,
  };
}

/** Name of the top level's default route when a firewall sits at the top. */
export const FIREWALL_ROUTE_NAME = 'default-via-firewall';

/** Name of the default route of a level below the top (next hop: the parent's Envoy). */
export function defaultRouteName(parent: string): string {
  return `default-via-${parent}-envoy`;
}

/** Name of the peering that lives on `from`'s VNET and points at `to`'s. */
export function peeringName(from: string, to: string): string {
  return `peer-${from}-to-${to}`;
}

/** Kinds of named Azure resources this project creates. */
export type AzureNameKind =
  | 'resource group'
  | 'virtual network'
  | 'subnet'
  | 'network security group'
  | 'route table'
  | 'route'
  | 'security rule'
  | 'virtual network peering'
  | 'managed identity'
  | 'AKS cluster'
  | 'AKS DNS prefix'
  | 'AKS node pool'
  | 'firewall'
  | 'firewall policy'
  | 'public IP'
  | 'IP group';

/** Azure's naming rule for each kind (learn.microsoft.com, "Naming rules and restrictions for Azure resources"). */
export const AZURE_NAME_RULES: Readonly<Record<AzureNameKind, { pattern: RegExp; rule: string }>> = {
  'resource group': { pattern: /^[-\w.()]{0,89}[-\w()]$/, rule: "1-90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'" },
  'virtual network': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,62}\w)$/,
    rule: "2-64 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  subnet: {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'network security group': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'route table': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  route: {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'security rule': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'virtual network peering': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'managed identity': { pattern: /^[A-Za-z0-9][\w-]{2,127}$/, rule: "3-128 letters, digits, '_' or '-', starting with a letter or digit" },
  'AKS cluster': { pattern: /^[A-Za-z0-9](?:[\w-]{0,61}[A-Za-z0-9])?$/, rule: "1-63 letters, digits, '_' or '-', starting and ending with a letter or digit" },
  'AKS DNS prefix': {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,52}[A-Za-z0-9])?$/,
    rule: "1-54 letters, digits or '-', starting and ending with a letter or digit",
  },
  'AKS node pool': { pattern: /^[a-z][a-z0-9]{0,11}$/, rule: '1-12 lowercase letters and digits, starting with a letter (Linux pools)' },
  firewall: {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'firewall policy': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'public IP': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
  'IP group': {
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/,
    rule: "1-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
  },
};

/**
 * Why `name` is not a valid Azure name of `kind`, or undefined when it is. Pure: the
 * synth-time validation calls it for every name it is about to write.
 */
export function azureNameProblem(kind: AzureNameKind, name: string): string | undefined {
  const { pattern, rule } = AZURE_NAME_RULES[kind];
  return pattern.test(name) ? undefined : `the ${kind} name '${name}' breaks Azure's naming rule: ${rule}`;
}

/** Every name of `level`'s resources with its kind, for validation. */
export function namedResources(model: Pick<EgressModel, 'name' | 'firewall'>, level: LevelModel): Array<{ kind: AzureNameKind; name: string }> {
  const n = levelNames(model, level);
  const list: Array<{ kind: AzureNameKind; name: string }> = [
    { kind: 'resource group', name: n.resourceGroup },
    { kind: 'resource group', name: n.nodeResourceGroup },
    { kind: 'virtual network', name: n.virtualNetwork },
    { kind: 'subnet', name: level.addresses.nodeSubnet.name },
    { kind: 'subnet', name: level.addresses.loadBalancerSubnet.name },
    { kind: 'network security group', name: n.networkSecurityGroup },
    { kind: 'managed identity', name: n.clusterIdentity },
    { kind: 'AKS cluster', name: n.cluster },
    { kind: 'AKS DNS prefix', name: n.dnsPrefix },
    { kind: 'AKS node pool', name: n.systemNodePool },
    { kind: 'AKS node pool', name: n.systemNodePoolRotation },
  ];
  if (!level.parent && model.firewall?.placement === 'top') {
    const f = firewallNames(model, level.name);
    list.push({ kind: 'firewall', name: f.firewall }, { kind: 'firewall policy', name: f.policy }, { kind: 'IP group', name: f.ipGroup(level.name) });
    list.push({ kind: 'managed identity', name: f.policyIdentity }, { kind: 'route table', name: n.routeTable }, { kind: 'route', name: FIREWALL_ROUTE_NAME });
    for (let i = 1; i <= model.firewall.publicIps; i++) list.push({ kind: 'public IP', name: f.publicIp(i) });
  }
  if (model.firewall?.placement === 'hub') {
    list.push({ kind: 'route table', name: n.routeTable }, { kind: 'route', name: FIREWALL_ROUTE_NAME });
    list.push({ kind: 'IP group', name: firewallNames(model, HUB_STACK).ipGroup(level.name) });
    list.push({ kind: 'virtual network peering', name: peeringName(level.name, HUB_STACK) });
    list.push({ kind: 'virtual network peering', name: peeringName(HUB_STACK, level.name) });
  } else if (level.parent) {
    list.push({ kind: 'route table', name: n.routeTable });
    list.push({ kind: 'route', name: defaultRouteName(level.parent) });
    list.push({ kind: 'virtual network peering', name: peeringName(level.name, level.parent) });
    list.push({ kind: 'virtual network peering', name: peeringName(level.parent, level.name) });
  }
  return list;
}

/** Every name of the hub's own resources (placement `hub`) with its kind, for validation; empty otherwise. */
export function hubNamedResources(model: Pick<EgressModel, 'name' | 'firewall'>): Array<{ kind: AzureNameKind; name: string }> {
  if (model.firewall?.placement !== 'hub') return [];
  const h = hubNames(model);
  const f = firewallNames(model, HUB_STACK);
  const list: Array<{ kind: AzureNameKind; name: string }> = [
    { kind: 'resource group', name: h.resourceGroup },
    { kind: 'virtual network', name: h.virtualNetwork },
    { kind: 'firewall', name: f.firewall },
    { kind: 'firewall policy', name: f.policy },
    { kind: 'managed identity', name: f.policyIdentity },
  ];
  for (let i = 1; i <= model.firewall.publicIps; i++) list.push({ kind: 'public IP', name: f.publicIp(i) });
  return list;
}
