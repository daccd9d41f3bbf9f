import { Cidr, cidrLast, cidrsOverlap, formatCidr, parseCidr } from '../model/ipv4';
import type { EgressModel } from '../model';
import { PlannedSubnet, plannedSubnets } from '../model/address-plan';
import type { FirewallModel } from '../model/firewall';

/** The Azure Firewall's part of a row: present only on the row of the VNET that holds the firewall. */
export interface FirewallPlanColumns {
  /** `AzureFirewallSubnet`, the firewall's /26. */
  readonly firewallSubnet?: string;
  /** The firewall's private IP: the next hop of `0.0.0.0/0` and the DNS proxy. */
  readonly firewallIp?: string;
}

/** One level's row of the address plan, as `layered-egress plan --json` prints it. */
export interface LevelPlanRow extends FirewallPlanColumns {
  readonly level: string;
  readonly addressSpace: string;
  readonly nodeSubnet: string;
  readonly loadBalancerSubnet: string;
  readonly envoyIp: string;
  readonly dnsIp: string;
  /** The blocks of the address space no planned subnet (the firewall's included) uses, largest aligned blocks, in address order. */
  readonly free: readonly string[];
}

/** The hub VNET's row (`firewall.placement: hub`): it holds the firewall and no cluster. */
export interface HubPlanRow extends Required<FirewallPlanColumns> {
  /** Always `hub`, the hub's stack. */
  readonly level: typeof HUB_ROW;
  readonly addressSpace: string;
  /** The blocks of the hub's address space the firewall's subnet leaves free. */
  readonly free: readonly string[];
}

/** A row of the plan: the hub (first, as it deploys first) or a level. */
export type PlanRow = HubPlanRow | LevelPlanRow;

/** The name of the hub's row: the name of its stack. */
export const HUB_ROW = 'hub';

const cidr = (text: string): Cidr => (parseCidr(text) as { ok: true; value: Cidr }).value;
const free = (space: string, used: readonly PlannedSubnet[]) =>
  freeBlocks(
    cidr(space),
    used.map((s) => cidr(s.cidr)),
  ).map(formatCidr);

/**
 * The plan of every VNET: the hub first when the firewall sits in one, then every level,
 * top level first. With the firewall at the top, the top level's row carries its subnet
 * and IP, and its free blocks leave that subnet out. Without a firewall the rows hold
 * exactly the levels' subnets and IPs.
 */
export function addressPlanRows(model: Pick<EgressModel, 'levels' | 'firewall'>): PlanRow[] {
  const firewall = model.firewall;
  const levels = model.levels.map((level, i): LevelPlanRow => {
    const a = level.addresses;
    const here = i === 0 && firewall?.placement === 'top' ? firewall : undefined;
    return {
      level: level.name,
      addressSpace: a.addressSpace,
      nodeSubnet: a.nodeSubnet.cidr,
      loadBalancerSubnet: a.loadBalancerSubnet.cidr,
      envoyIp: a.envoyIp,
      dnsIp: a.dnsIp,
      ...(here ? firewallColumns(here) : {}),
      free: free(a.addressSpace, plannedSubnets(a, here?.addresses.subnet)),
    };
  });
  if (firewall?.placement !== 'hub' || !firewall.hub) return levels;
  const hub: HubPlanRow = {
    level: HUB_ROW,
    addressSpace: firewall.hub.addressSpace,
    ...firewallColumns(firewall),
    free: free(firewall.hub.addressSpace, [firewall.addresses.subnet]),
  };
  return [hub, ...levels];
}

function firewallColumns(firewall: FirewallModel): Required<FirewallPlanColumns> {
  return { firewallSubnet: firewall.addresses.subnet.cidr, firewallIp: firewall.addresses.privateIp };
}

/** The largest aligned blocks of `space` that overlap none of `used`, in address order. */
export function freeBlocks(space: Cidr, used: readonly Cidr[]): Cidr[] {
  const overlapping = used.filter((u) => cidrsOverlap(u, space));
  if (overlapping.length === 0) return [space];
  if (overlapping.some((u) => u.network <= space.network && cidrLast(u) >= cidrLast(space)) || space.prefix >= 32) return [];
  const half = 2 ** (31 - space.prefix);
  return [
    ...freeBlocks({ network: space.network, prefix: space.prefix + 1 }, overlapping),
    ...freeBlocks({ network: space.network + half, prefix: space.prefix + 1 }, overlapping),
  ];
}

const LEVEL_COLUMNS = ['level', 'address space', 'nodes', 'load balancers', 'Envoy IP', 'DNS IP'];
const FIREWALL_COLUMNS = ['AzureFirewallSubnet', 'firewall IP'];
const FREE_COLUMN = 'free for your subnets';

/**
 * The plan as a Markdown table (the README's table of the default config is this output).
 * The firewall's two columns appear only when a row has a firewall, so a config without
 * one prints the same table as before firewalls existed; cells a row does not have are `-`.
 */
export function addressPlanMarkdown(rows: readonly PlanRow[]): string {
  const withFirewall = rows.some((r) => r.firewallSubnet !== undefined);
  const header = [...LEVEL_COLUMNS, ...(withFirewall ? FIREWALL_COLUMNS : []), FREE_COLUMN];
  const cell = (value: string | undefined) => value ?? '-';
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    line(header),
    `|${header.map(() => '---|').join('')}`,
    ...rows.map((r) => {
      const level = 'nodeSubnet' in r ? r : undefined;
      return line([
        r.level,
        r.addressSpace,
        cell(level?.nodeSubnet),
        cell(level?.loadBalancerSubnet),
        cell(level?.envoyIp),
        cell(level?.dnsIp),
        ...(withFirewall ? [cell(r.firewallSubnet), cell(r.firewallIp)] : []),
        r.free.length > 0 ? r.free.join(', ') : '-',
      ]);
    }),
  ];
  return `${lines.join('\n')}\n`;
}
