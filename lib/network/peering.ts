import { Construct } from 'constructs';
import { DataAzurermVirtualNetwork, VirtualNetwork, VirtualNetworkPeering } from './azurerm/network';
import { peeringName } from './names';

/** One side of the pair: a level's name and its VNET's planned names. */
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

/**
 * Both peerings between a level and its parent, owned by the LOWER level's stack: the
 * parent's stack never needs to know its child, so stacks deploy top-down
 * (one level at a time, parent first) and the parent's VNET is read with a data source (plan
 * fails clearly if the parent is not deployed yet). Virtual network access and forwarded
 * traffic are allowed, gateway transit is not. Names are concrete strings so the
 * synthesized JSON says which VNETs are linked.
 */
export class ParentPeering extends Construct {
  public readonly toParent: VirtualNetworkPeering;
  public readonly fromParent: VirtualNetworkPeering;

  constructor(scope: Construct, id: string, props: ParentPeeringProps) {
    super(scope, id);
    const { local, parent } = props;
    const parentNetwork = new DataAzurermVirtualNetwork(this, 'parent-vnet', {
      name: parent.virtualNetworkName,
      resourceGroupName: parent.resourceGroupName,
    });
    const common = { allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: false };
    this.toParent = new VirtualNetworkPeering(this, 'to-parent', {
      name: peeringName(local.level, parent.level),
      resourceGroupName: local.resourceGroupName,
      virtualNetworkName: local.virtualNetworkName,
      remoteVirtualNetworkId: parentNetwork.id,
      ...common,
      dependsOn: [local.virtualNetwork],
    });
    this.fromParent = new VirtualNetworkPeering(this, 'from-parent', {
      name: peeringName(parent.level, local.level),
      resourceGroupName: parent.resourceGroupName,
      virtualNetworkName: parent.virtualNetworkName,
      remoteVirtualNetworkId: local.virtualNetwork.id,
      ...common,
    });
  }
}
