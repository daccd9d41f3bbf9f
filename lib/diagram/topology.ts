import type { EgressModel } from '../model';
import { firewallNames } from '../model/azure-names';

/** One level as the picture shows it. */
export interface DiagramLevel {
  readonly name: string;
  readonly addressSpace: string;
  readonly nodeSubnet: string;
  readonly loadBalancerSubnet: string;
  readonly envoyIp: string;
  readonly dnsIp: string;
}

/** One proxied port and how many allow-list names use it. */
export interface DiagramPort {
  readonly port: number;
  /** Allow-list entries on this port (exact names and wildcards). */
  readonly names: number;
  /** Of those, wildcards (`*.b.com`). */
  readonly wildcards: number;
}

/** An Azure Firewall in front of the top level's internet egress. */
export interface DiagramFirewall {
  readonly name: string;
  readonly privateIp: string;
  /**
   * Placement `hub`: the hub VNET's address space. The firewall then sits in the hub,
   * every level is peered with the hub only, and the hops between levels cross it.
   * @default undefined (the firewall sits in the top level's VNET)
   */
  readonly hubAddressSpace?: string;
}

/** Everything the picture shows: plain data, so the DOT builder stays pure. */
export interface TopologyInput {
  /** The config's `name` (Azure resource prefix). */
  readonly name: string;
  readonly location: string;
  /** Top (internet-facing) level first. */
  readonly levels: readonly DiagramLevel[];
  /** Proxied ports, ascending. */
  readonly ports: readonly DiagramPort[];
  /** dnsmasq answers NXDOMAIN for names not on the list. */
  readonly strictDns: boolean;
  /**
   * The firewall between the top level and the internet, drawn when present
   * (config `firewall:`). @default undefined (no firewall)
   */
  readonly firewall?: DiagramFirewall;
}

/** Reads what the picture needs from the model. */
export function topologyFromModel(model: EgressModel): TopologyInput {
  const ports = new Map<number, { names: number; wildcards: number }>();
  for (const entry of model.allowEntries) {
    for (const port of entry.ports) {
      const count = ports.get(port) ?? { names: 0, wildcards: 0 };
      ports.set(port, { names: count.names + 1, wildcards: count.wildcards + (entry.kind === 'wildcard' ? 1 : 0) });
    }
  }
  return {
    name: model.name,
    location: model.location,
    levels: model.levels.map((level) => ({
      name: level.name,
      addressSpace: level.addresses.addressSpace,
      nodeSubnet: level.addresses.nodeSubnet.cidr,
      loadBalancerSubnet: level.addresses.loadBalancerSubnet.cidr,
      envoyIp: level.addresses.envoyIp,
      dnsIp: level.addresses.dnsIp,
    })),
    ports: [...ports].sort(([a], [b]) => a - b).map(([port, count]) => ({ port, ...count })),
    strictDns: model.workloads.dnsmasq.strict,
    ...(model.firewall
      ? {
          firewall: {
            name: firewallNames(model, model.firewall.placement === 'hub' ? 'hub' : model.levels[0].name).firewall,
            privateIp: model.firewall.addresses.privateIp,
            ...(model.firewall.hub ? { hubAddressSpace: model.firewall.hub.addressSpace } : {}),
          },
        }
      : {}),
  };
}
