/** Azure Firewall, its policy, rule collection groups, IP groups and public IPs, imported by deep path (see core.ts). */
export { Firewall } from '@cdktf/provider-azurerm/lib/firewall';
export { FirewallPolicy } from '@cdktf/provider-azurerm/lib/firewall-policy';
export { FirewallPolicyRuleCollectionGroup } from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
export type {
  FirewallPolicyRuleCollectionGroupApplicationRuleCollection,
  FirewallPolicyRuleCollectionGroupNetworkRuleCollection,
} from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
export { IpGroup } from '@cdktf/provider-azurerm/lib/ip-group';
export { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
export { DataAzurermResources } from '@cdktf/provider-azurerm/lib/data-azurerm-resources';
