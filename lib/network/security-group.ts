import { Construct } from 'constructs';
import { NetworkSecurityGroup, NetworkSecurityRule, Subnet, SubnetNetworkSecurityGroupAssociation } from './azurerm/network';
import { NsgRule } from '../model/nsg-plan';

/** Props of {@link LevelSecurityGroup}. */
export interface LevelSecurityGroupProps {
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  /** The planned rules (`planNsgRules`), written as they are. */
  readonly rules: readonly NsgRule[];
  /** Subnets the NSG is associated with, by a stable id used in the construct ids. */
  readonly subnets: Readonly<Record<string, Subnet>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One level's NSG: the group, one standalone `azurerm_network_security_rule` per planned
 * rule (concrete prefixes, so `cdk.tf.json` can be checked statically) and one
 * association per subnet. A single prefix or port goes in the singular argument
 * (`source_address_prefix`), several in the list one: Azure refuses service tags in lists.
 */
export class LevelSecurityGroup extends Construct {
  public readonly group: NetworkSecurityGroup;
  public readonly associations: SubnetNetworkSecurityGroupAssociation[];

  constructor(scope: Construct, id: string, props: LevelSecurityGroupProps) {
    super(scope, id);
    this.group = new NetworkSecurityGroup(this, 'group', {
      name: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    for (const rule of props.rules) {
      new NetworkSecurityRule(this, `rule-${rule.name}`, {
        name: rule.name,
        description: rule.description,
        priority: rule.priority,
        direction: rule.direction,
        access: rule.access,
        protocol: rule.protocol,
        resourceGroupName: props.resourceGroupName,
        networkSecurityGroupName: this.group.name,
        sourcePortRange: '*',
        ...(rule.sourceAddressPrefixes.length === 1
          ? { sourceAddressPrefix: rule.sourceAddressPrefixes[0] }
          : { sourceAddressPrefixes: [...rule.sourceAddressPrefixes] }),
        ...(rule.destinationAddressPrefixes.length === 1
          ? { destinationAddressPrefix: rule.destinationAddressPrefixes[0] }
          : { destinationAddressPrefixes: [...rule.destinationAddressPrefixes] }),
        ...(rule.destinationPorts.length === 1 ? { destinationPortRange: rule.destinationPorts[0] } : { destinationPortRanges: [...rule.destinationPorts] }),
      });
    }
    this.associations = Object.entries(props.subnets).map(
      ([key, subnet]) =>
        new SubnetNetworkSecurityGroupAssociation(this, `association-${key}`, {
          subnetId: subnet.id,
          networkSecurityGroupId: this.group.id,
        }),
    );
  }
}
