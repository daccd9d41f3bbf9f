import { Cidr, cidrLast, cidrsOverlap, formatCidr, parseCidr } from '../model/ipv4';
import type { EgressModel } from '../model';
import { plannedSubnets } from '../model/address-plan';

/** One level's row of the address plan, as `layered-egress plan --json` prints it. */
export interface PlanRow {
  readonly level: string;
  readonly addressSpace: string;
  readonly nodeSubnet: string;
  readonly loadBalancerSubnet: string;
  readonly envoyIp: string;
  readonly dnsIp: string;
  /** The blocks of the address space no planned subnet uses, largest aligned blocks, in address order. */
  readonly free: readonly string[];
}

const cidr = (text: string): Cidr => (parseCidr(text) as { ok: true; value: Cidr }).value;

/** The plan of every level, top level first. */
export function addressPlanRows(model: Pick<EgressModel, 'levels'>): PlanRow[] {
  return model.levels.map((level) => {
    const a = level.addresses;
    return {
      level: level.name,
      addressSpace: a.addressSpace,
      nodeSubnet: a.nodeSubnet.cidr,
      loadBalancerSubnet: a.loadBalancerSubnet.cidr,
      envoyIp: a.envoyIp,
      dnsIp: a.dnsIp,
      free: freeBlocks(
        cidr(a.addressSpace),
        plannedSubnets(a).map((s) => cidr(s.cidr)),
      ).map(formatCidr),
    };
  });
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

/** The plan as a Markdown table (the README's table of the default config is this output). */
export function addressPlanMarkdown(rows: readonly PlanRow[]): string {
  const lines = [
    '| level | address space | nodes | load balancers | Envoy IP | DNS IP | free for your subnets |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.level} | ${r.addressSpace} | ${r.nodeSubnet} | ${r.loadBalancerSubnet} | ${r.envoyIp} | ${r.dnsIp} | ${r.free.length > 0 ? r.free.join(', ') : '-'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
