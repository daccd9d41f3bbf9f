/** Virtual networking resources, imported by deep path (see core.ts). */
export { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
export { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
export { DataAzurermVirtualNetwork } from '@cdktf/provider-azurerm/lib/data-azurerm-virtual-network';
export { VirtualNetworkPeering } from '@cdktf/provider-azurerm/lib/virtual-network-peering';
export { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
export { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
export { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
export { RouteTable } from '@cdktf/provider-azurerm/lib/route-table';
export { Route } from '@cdktf/provider-azurerm/lib/route';
export { SubnetRouteTableAssociation } from '@cdktf/provider-azurerm/lib/subnet-route-table-association';
