/** Private DNS zones and their virtual network links, imported by deep path (see core.ts). */
export { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
export { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
export { DataAzurermPrivateDnsZone } from '@cdktf/provider-azurerm/lib/data-azurerm-private-dns-zone';
