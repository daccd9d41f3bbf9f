import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EgressModel, LevelModel } from '../model';
import { AzurermProvider, ResourceGroup } from './azurerm/core';
import { Subnet, VirtualNetwork } from './azurerm/network';

/** Props of {@link LevelStack}. */
export interface LevelStackProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/**
 * The Terraform stack of one network level, named after the level so users deploy top
 * down with `npx cdktf deploy l4 l3 l2`.
 */
export class LevelStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup;
  public readonly virtualNetwork: VirtualNetwork;
  public readonly nodeSubnet: Subnet;
  public readonly loadBalancerSubnet: Subnet;

  constructor(scope: Construct, props: LevelStackProps) {
    super(scope, props.level.name);
    const { model, level } = props;
    const prefix = `${model.name}-${level.name}`;
    new AzurermProvider(this, 'azurerm', { features: [{}] });

    this.resourceGroup = new ResourceGroup(this, 'resource-group', {
      name: `rg-${prefix}`,
      location: model.location,
      tags: { 'layered-egress-level': level.name },
    });
    this.virtualNetwork = new VirtualNetwork(this, 'vnet', {
      name: `vnet-${prefix}`,
      location: model.location,
      resourceGroupName: this.resourceGroup.name,
      addressSpace: [level.addresses.addressSpace],
    });
    this.nodeSubnet = new Subnet(this, 'subnet-nodes', {
      name: level.addresses.nodeSubnet.name,
      resourceGroupName: this.resourceGroup.name,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [level.addresses.nodeSubnet.cidr],
    });
    this.loadBalancerSubnet = new Subnet(this, 'subnet-egress-ilb', {
      name: level.addresses.loadBalancerSubnet.name,
      resourceGroupName: this.resourceGroup.name,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [level.addresses.loadBalancerSubnet.cidr],
    });
  }
}
