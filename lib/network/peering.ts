import { Construct } from 'constructs';
import { DataAzurermVirtualNetwork, VirtualNetwork, VirtualNetworkPeering } from './azurerm/network';
import { peeringName } from '../model/azure-names';

/** One side of the pair: a level's (or the hub's) name and its VNET's planned names. */
export interface PeeredNetwork {
  readonly level: string;
  readonly resourceGroupName: string;
  readonly virtualNetworkName: string;
}

/** Props of {@link ParentPeering}. */
export interface ParentPeeringProps {
  /** This (lower) level; its VNET resource is in the same stack. */
  readonly local: PeeredNetwork & { readonly virtualNetwork: VirtualNetwork };
  /** The level above, deployed earlier by its own stack. */
  readonly parent: PeeredNetwork;
}

/** Props of {@link HubPeering}. */
export interface HubPeeringProps {
  /** The spoke (a level); its VNET resource is in the same stack. */
  readonly local: PeeredNetwork & { readonly virtualNetwork: VirtualNetwork };
  /** The hub, deployed earlier by its own stack. */
  readonly hub: PeeredNetwork;
}

/**
 * Both peerings between a VNET of this stack and one deployed earlier by another stack,
 * owned here so the earlier stack never needs to know this one: the remote VNET is read
 * with a data source (plan fails clearly if it is not deployed yet). Virtual network
 * access and forwarded traffic are allowed (a firewall forwards between spokes), gateway
 * transit is not. Names are concrete strings so the synthesized JSON says which VNETs are
 * linked.
 */
function peerBothWays(
  scope: Construct,
  ids: { readonly remoteVnet: string; readonly out: string; readonly back: string },
  local: PeeredNetwork & { readonly virtualNetwork: VirtualNetwork },
  remote: PeeredNetwork,
): { out: VirtualNetworkPeering; back: VirtualNetworkPeering } {
  const remoteNetwork = new DataAzurermVirtualNetwork(scope, ids.remoteVnet, {
    name: remote.virtualNetworkName,
    resourceGroupName: remote.resourceGroupName,
  });
  const common = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: false };
  const out = new VirtualNetworkPeering(scope, ids.out, {
    name: peeringName(local.level, remote.level),
    resourceGroupName: local.resourceGroupName,
    virtualNetworkName: local.virtualNetworkName,
    remoteVirtualNetworkId: remoteNetwork.id,
    ...common,
    dependsOn: [local.virtualNetwork],
  });
  const back = new VirtualNetworkPeering(scope, ids.back, {
    name: peeringName(remote.level, local.level),
    resourceGroupName: remote.resourceGroupName,
    virtualNetworkName: remote.virtualNetworkName,
    remoteVirtualNetworkId: local.virtualNetwork.id,
    ...common,
  });
  return { out, back };
}

/**
 * Both peerings between a level and its parent, owned by the LOWER level's stack: the
 * parent's stack never needs to know its child, so stacks deploy top-down (one level at
 * a time, parent first).
 */
export class ParentPeering extends Construct {
  public readonly toParent: VirtualNetworkPeering;
  public readonly fromParent: VirtualNetworkPeering;

  constructor(scope: Construct, id: string, props: ParentPeeringProps) {
    super(scope, id);
    const { out, back } = peerBothWays(this, { remoteVnet: 'parent-vnet', out: 'to-parent', back: 'from-parent' }, props.local, props.parent);
    this.toParent = out;
    this.fromParent = back;
  }
}

/**
 * Both peerings between a spoke (a level, with `firewall.placement: hub`) and the hub,
 * owned by the spoke's stack, which deploys after the hub's. Spokes peer with the hub
 * only: traffic between levels crosses the firewall, whose network rules allow exactly
 * the child-to-parent hops.
 */
export class HubPeering extends Construct {
  public readonly toHub: VirtualNetworkPeering;
  public readonly fromHub: VirtualNetworkPeering;

  constructor(scope: Construct, id: string, props: HubPeeringProps) {
    super(scope, id);
    const { out, back } = peerBothWays(this, { remoteVnet: 'hub-vnet', out: 'to-hub', back: 'from-hub' }, props.local, props.hub);
    this.toHub = out;
    this.fromHub = back;
  }
}
