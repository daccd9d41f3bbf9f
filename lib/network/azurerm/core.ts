/**
 * Azure provider and resource groups, imported by deep path: the package root costs
 * seconds and hundreds of MiB per synth (its index requires every resource class). Every provider
 * import in the project goes through a module in this folder.
 */
export { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
export { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
export { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
