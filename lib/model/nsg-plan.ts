/**
 * The NSG rule set of each level, as plain data (no CDK imports): the `LevelSecurityGroup`
 * construct writes it as standalone `azurerm_network_security_rule` resources, tests and
 * docs read it directly.
 *
 * Where the rules sit: one NSG per level, associated with both of its subnets. Traffic to
 * an internal load balancer's frontend IP is evaluated on the subnet of the backend nodes
 * (Azure load balancers have no NIC of their own), and AKS load balancer rules use
 * floating IP, so a packet from the level below reaches the Envoy nodes with the Envoy
 * frontend IP and service port as its destination: the inbound rules name those.
 *
 * Below the top level every outbound Allow names a private destination only: the level's
 * own cluster ranges, and the parent's Envoy and DNS IPs. No service tag is opened (AKS
 * needs none once the API server, MCR and the node packages are reached through the proxy
 * chain by name), Azure's platform DNS is denied, and the Internet deny comes last.
 *
 * Priorities are fixed slots per rule class, so adding allow-list entries or ports only
 * changes the port list of the Envoy rules and never renumbers anything.
 */
import { AZURE_PLATFORM_DNS_TAG, NSG_LIMITS } from './azure-facts';
import { byText } from './compare';
import type { ClusterOptions } from './options';
import type { EgressModel, LevelModel } from './load';
import { DNS_PORT } from './config';
import type { FirewallModel } from './firewall';

/** One NSG security rule. Prefixes are concrete CIDRs/IPs or one Azure service tag, never Terraform references. */
export interface NsgRule {
  /** Unique in the NSG, at most 80 characters. */
  readonly name: string;
  /** 100-4096, unique per direction; lower wins. */
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | 'Udp' | '*';
  /** CIDRs/IPs, or exactly one service tag or '*'. */
  readonly sourceAddressPrefixes: readonly string[];
  readonly destinationAddressPrefixes: readonly string[];
  /** Port numbers as strings, ascending, or ['*']. */
  readonly destinationPorts: readonly string[];
  /** One sentence: why the rule exists. */
  readonly description: string;
}

/**
 * Fixed priority slots. Allows sit in 1000-1999, denies in 4000-4096: anything the user
 * adds by hand between 2000 and 3999 is evaluated after our allows and before our denies.
 */
export const NSG_PRIORITY = {
  cluster: 1000,
  envoy: 1100,
  dnsUdp: 1110,
  dnsTcp: 1120,
  denyOtherLevels: 4000,
  denyAzurePlatformDns: 4010,
  denyInternet: 4096,
} as const;

/**
 * Service tag of Azure's platform DNS (168.63.129.16). NSGs let DNS to it pass unless a
 * rule names this tag, so a pod below the top could otherwise tunnel data out through
 * Azure DNS past every proxy. Defined with the other platform facts.
 */
export { AZURE_PLATFORM_DNS_TAG };

/** Addresses the cluster's own traffic uses: the node subnet, plus the pod CIDR when pods are not on the VNET. */
export function clusterRanges(level: Pick<LevelModel, 'addresses'>, cluster: Pick<ClusterOptions, 'networkPlugin' | 'podCidr'>): string[] {
  const ranges = [level.addresses.nodeSubnet.cidr];
  if (cluster.networkPlugin !== 'azure') ranges.push(cluster.podCidr);
  return ranges;
}

/**
 * The rules of `level`'s NSG: the cluster's own traffic, the level below reaching this
 * level's Envoy and DNS, this level reaching its parent's, then the denies (other levels;
 * below the top, Azure DNS and the internet). Sorted by direction, then priority.
 * @param ports every allow-list port (`AllowList.ports`): the Envoy rules open exactly these
 */
export function planNsgRules(model: Pick<EgressModel, 'levels' | 'location' | 'cluster' | 'firewall'>, level: LevelModel, ports: readonly number[]): NsgRule[] {
  const byName = new Map(model.levels.map((l) => [l.name, l]));
  return planLevelNsgRules(
    {
      level,
      parent: level.parent !== undefined ? byName.get(level.parent) : undefined,
      child: level.child !== undefined ? byName.get(level.child) : undefined,
      otherAddressSpaces: model.levels.filter((l) => l.name !== level.name).map((l) => l.addresses.addressSpace),
      cluster: model.cluster,
      hub: hubNsgInput(model.firewall),
    },
    ports,
  );
}

/** A level in the NSG plan: its name and planned addresses. */
type PlannedLevel = Pick<LevelModel, 'name' | 'addresses'>;

/** What one level's NSG depends on, without the whole model. */
export interface LevelNsgInput {
  readonly level: PlannedLevel;
  /** The level above; undefined at the top. */
  readonly parent?: PlannedLevel;
  /** The level below; undefined at the bottom. */
  readonly child?: PlannedLevel;
  /** Every other level's address space. */
  readonly otherAddressSpaces: readonly string[];
  readonly cluster: Pick<ClusterOptions, 'networkPlugin' | 'podCidr'>;
  /**
   * Placement `hub`: the hub VNET's address space (denied like another level's: the
   * firewall's DNS proxy there answers every name) and the firewall's private IP, which
   * the top level resolves through. @default undefined (no hub)
   */
  readonly hub?: { readonly addressSpace: string; readonly firewallIp: string };
}

/** The hub facts the NSG plan needs, from the model's firewall (placement `hub` only). */
export function hubNsgInput(firewall: FirewallModel | undefined): LevelNsgInput['hub'] {
  return firewall?.placement === 'hub' && firewall.hub ? { addressSpace: firewall.hub.addressSpace, firewallIp: firewall.addresses.privateIp } : undefined;
}

/** {@link planNsgRules} from the level's own facts. */
export function planLevelNsgRules(input: LevelNsgInput, ports: readonly number[]): NsgRule[] {
  const { level, parent, child } = input;
  const envoyPorts = [...new Set(ports)].sort((a, b) => a - b).map(String);
  const rules = [
    ...clusterRules(level, clusterRanges(level, input.cluster)),
    ...(child ? fromChildRules(level, child, envoyPorts) : []),
    ...(parent ? toParentRules(level, parent, envoyPorts) : []),
    ...(input.hub && !parent ? toFirewallDnsRules(level, input.hub.firewallIp) : []),
    ...otherLevelDenies([...input.otherAddressSpaces, ...(input.hub ? [input.hub.addressSpace] : [])]),
    ...(parent ? sealedLevelDenies(level, parent) : []),
  ];
  return rules.sort((a, b) => byText(a.direction, b.direction) || a.priority - b.priority);
}

/** Both directions inside the level's cluster: AKS needs them before any deny rule. */
function clusterRules(level: PlannedLevel, cluster: readonly string[]): NsgRule[] {
  return (['Inbound', 'Outbound'] as const).map((direction) => ({
    name: `allow-cluster-${direction.toLowerCase()}`,
    priority: NSG_PRIORITY.cluster,
    direction,
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefixes: cluster,
    destinationAddressPrefixes: cluster,
    destinationPorts: ['*'],
    description: `Traffic inside ${level.name}'s cluster (nodes${cluster.length > 1 ? ' and pods' : ''}), which AKS needs before any deny rule`,
  }));
}

/** DNS over UDP and TCP (port 53) from `source` to `dnsIp`, one rule per protocol. */
function dnsRules(
  name: (protocol: string) => string,
  direction: NsgRule['direction'],
  source: string,
  dnsIp: string,
  description: (protocol: string) => string,
): NsgRule[] {
  return (['Udp', 'Tcp'] as const).map((protocol) => ({
    name: name(protocol.toLowerCase()),
    priority: protocol === 'Udp' ? NSG_PRIORITY.dnsUdp : NSG_PRIORITY.dnsTcp,
    direction,
    access: 'Allow',
    protocol,
    sourceAddressPrefixes: [source],
    destinationAddressPrefixes: [dnsIp],
    destinationPorts: [String(DNS_PORT)],
    description: description(protocol.toUpperCase()),
  }));
}

/** The level below reaches this level's Envoy on the allow-list ports and its DNS. */
function fromChildRules(level: PlannedLevel, child: PlannedLevel, envoyPorts: readonly string[]): NsgRule[] {
  const source = child.addresses.addressSpace;
  return [
    {
      name: `allow-envoy-from-${child.name}`,
      priority: NSG_PRIORITY.envoy,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefixes: [source],
      destinationAddressPrefixes: [level.addresses.envoyIp],
      destinationPorts: envoyPorts,
      description: `Level ${child.name} reaches ${level.name}'s Envoy on the allow-list ports`,
    },
    ...dnsRules(
      (protocol) => `allow-dns-${protocol}-from-${child.name}`,
      'Inbound',
      source,
      level.addresses.dnsIp,
      (protocol) => `Level ${child.name} resolves names through ${level.name}'s DNS (${protocol} ${DNS_PORT})`,
    ),
  ];
}

/** This level reaches its parent's Envoy on the allow-list ports and its DNS (its VNET DNS). */
function toParentRules(level: PlannedLevel, parent: PlannedLevel, envoyPorts: readonly string[]): NsgRule[] {
  const own = level.addresses.addressSpace;
  return [
    {
      name: `allow-envoy-to-${parent.name}`,
      priority: NSG_PRIORITY.envoy,
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefixes: [own],
      destinationAddressPrefixes: [parent.addresses.envoyIp],
      destinationPorts: envoyPorts,
      description: `${level.name} sends allowed TLS traffic to ${parent.name}'s Envoy on the allow-list ports`,
    },
    ...dnsRules(
      (protocol) => `allow-dns-${protocol}-to-${parent.name}`,
      'Outbound',
      own,
      parent.addresses.dnsIp,
      (protocol) => `${level.name}'s VNET DNS is ${parent.name}'s DNS (${protocol} ${DNS_PORT})`,
    ),
  ];
}

/**
 * Hub placement, top level: its VNET DNS is the firewall's DNS proxy in the hub, which
 * the deny of the hub's address space would otherwise block ("Azure Firewall DNS
 * settings": clients send their queries to the firewall's private IP).
 */
function toFirewallDnsRules(level: PlannedLevel, firewallIp: string): NsgRule[] {
  return dnsRules(
    (protocol) => `allow-dns-${protocol}-to-firewall`,
    'Outbound',
    level.addresses.addressSpace,
    firewallIp,
    (protocol) => `${level.name}'s VNET DNS is the hub firewall's DNS proxy (${protocol} ${DNS_PORT})`,
  );
}

/** Nothing else from or to the other levels: the VirtualNetwork tag of the default rules includes peered VNETs. */
function otherLevelDenies(others: readonly string[]): NsgRule[] {
  if (others.length === 0) return [];
  const deny = (direction: NsgRule['direction'], sources: readonly string[], destinations: readonly string[], what: string): NsgRule => ({
    name: `deny-other-levels-${direction.toLowerCase()}`,
    priority: NSG_PRIORITY.denyOtherLevels,
    direction,
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefixes: sources,
    destinationAddressPrefixes: destinations,
    destinationPorts: ['*'],
    description: `Nothing else ${what} other levels: the VirtualNetwork tag of the default rules includes peered VNETs`,
  });
  return [deny('Inbound', others, ['*'], 'from'), deny('Outbound', ['*'], others, 'to')];
}

/** Below the top: no Azure DNS (a tunnel past every proxy) and no internet but through the parent's Envoy. */
function sealedLevelDenies(level: PlannedLevel, parent: PlannedLevel): NsgRule[] {
  const denyOutbound = (name: string, priority: number, destination: string, description: string): NsgRule => ({
    name,
    priority,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefixes: ['*'],
    destinationAddressPrefixes: [destination],
    destinationPorts: ['*'],
    description,
  });
  return [
    denyOutbound(
      'deny-azure-dns-outbound',
      NSG_PRIORITY.denyAzurePlatformDns,
      AZURE_PLATFORM_DNS_TAG,
      `${level.name} resolves only through ${parent.name}'s DNS: direct Azure DNS would let pods tunnel data out`,
    ),
    denyOutbound(
      'deny-internet-outbound',
      NSG_PRIORITY.denyInternet,
      'Internet',
      `Only the top level reaches the internet; ${level.name} goes through ${parent.name}'s Envoy`,
    ),
  ];
}

const RULE_NAME = /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/;
const ADDRESS = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/;

/**
 * Problems in a rule set, each one sentence; empty when Azure would accept it. Checks
 * priority collisions per direction, the priority range, names (unique, at most 80
 * characters, Azure's characters), ports, and that a service tag or '*' stands alone
 * (Azure refuses tags in prefix lists).
 */
export function nsgRuleProblems(rules: readonly NsgRule[]): string[] {
  const problems: string[] = [];
  if (rules.length > NSG_LIMITS.maxRules) problems.push(`${rules.length} rules exceed Azure's ${NSG_LIMITS.maxRules} rules per NSG`);
  const names = new Set<string>();
  const priorities = new Map<string, string>();
  for (const r of rules) {
    if (names.has(r.name)) problems.push(`rule name '${r.name}' is used twice`);
    names.add(r.name);
    if (r.name.length > NSG_LIMITS.maxNameLength)
      problems.push(`rule name '${r.name}' is ${r.name.length} characters; Azure allows ${NSG_LIMITS.maxNameLength}`);
    else if (!RULE_NAME.test(r.name))
      problems.push(
        `rule name '${r.name}' breaks Azure's naming rule: letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'`,
      );
    if (!Number.isInteger(r.priority) || r.priority < NSG_LIMITS.minPriority || r.priority > NSG_LIMITS.maxPriority) {
      problems.push(`rule '${r.name}' has priority ${r.priority}; Azure allows ${NSG_LIMITS.minPriority}-${NSG_LIMITS.maxPriority}`);
    }
    const key = `${r.direction}/${r.priority}`;
    const holder = priorities.get(key);
    if (holder !== undefined)
      problems.push(`NSG priority collision: ${r.direction.toLowerCase()} rules '${holder}' and '${r.name}' both have priority ${r.priority}`);
    else priorities.set(key, r.name);
    for (const [side, prefixes] of [
      ['source', r.sourceAddressPrefixes],
      ['destination', r.destinationAddressPrefixes],
    ] as const) {
      if (prefixes.length === 0) problems.push(`rule '${r.name}' has no ${side} address prefix`);
      if (prefixes.length > 1 && prefixes.some((p) => !ADDRESS.test(p))) {
        problems.push(
          `rule '${r.name}' mixes a service tag or '*' into a list of ${side} prefixes (${prefixes.join(', ')}); Azure accepts a tag only on its own`,
        );
      }
    }
    const ports = r.destinationPorts;
    if (ports.length === 0 || (ports.length > 1 && ports.includes('*')) || ports.some((p) => p !== '*' && !(/^\d+$/.test(p) && +p >= 1 && +p <= 65535))) {
      problems.push(`rule '${r.name}' has invalid destination ports (${ports.join(', ') || 'none'})`);
    }
  }
  return problems;
}
