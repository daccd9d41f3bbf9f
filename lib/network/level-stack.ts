import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { AzurermProvider, ResourceGroup } from './azurerm/core';
import { Subnet, VirtualNetwork } from './azurerm/network';
import { configureBackend } from './backend';
import { LevelCluster } from './cluster';
import { EgressFirewall } from './firewall';
import { FIREWALL_ROUTE_NAME, firewallNames, LevelNames, levelNames } from './names';
import { planNsgRules } from './nsg-plan';
import { ParentPeering } from './peering';
import { DefaultRoute, ParentDefaultRoute } from './route-table';
import { renderFirewallRules } from '../render/firewall-rules';
import { LevelSecurityGroup } from './security-group';

/**
 * Props of {@link LevelStack}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface LevelStackProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/** Tag put on every resource of a level. */
export const LEVEL_TAG = 'layered-egress-level';

/**
 * The Terraform stack of one network level, named after the level so users deploy top
 * down one stack at a time: resource group, VNET (below the top: its DNS server is the
 * parent's DNS IP), the node and load balancer subnets, one NSG on both, below the top a
 * route table for AKS's `userDefinedRouting` outbound type (no public egress IP),
 * the peerings with the parent (owned here, so the parent never depends on its child),
 * the AKS cluster, and outputs. Every address comes from the model's plan, the same
 * values the Kubernetes side uses.
 */
export class LevelStack extends TerraformStack {
  public readonly names: LevelNames;
  public readonly resourceGroup: ResourceGroup;
  public readonly virtualNetwork: VirtualNetwork;
  public readonly nodeSubnet: Subnet;
  public readonly loadBalancerSubnet: Subnet;
  public readonly securityGroup: LevelSecurityGroup;
  public readonly peering?: ParentPeering;
  /**
   * The node subnet's route table, whose default route keeps AKS's `userDefinedRouting`
   * from creating a public egress IP: below the top to the parent's Envoy; at the top
   * with a firewall (placement `top`), to the firewall. @default undefined at the top without a firewall
   */
  public readonly route?: DefaultRoute;
  /** The top level with `firewall.placement: top` only: the firewall, its policy and rules. */
  public readonly firewall?: EgressFirewall;
  public readonly cluster: LevelCluster;

  constructor(scope: Construct, props: LevelStackProps) {
    super(scope, props.level.name);
    const { model, level } = props;
    const addresses = level.addresses;
    const parent = level.parent !== undefined ? model.levels.find((l) => l.name === level.parent) : undefined;
    const names = (this.names = levelNames(model, level));
    const firewallHere = !parent && model.firewall?.placement === 'top' ? model.firewall : undefined;
    const tags = { [LEVEL_TAG]: level.name };
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    configureBackend(this, model.terraform.backend, model.name);

    this.resourceGroup = new ResourceGroup(this, 'resource-group', {
      name: names.resourceGroup,
      location: model.location,
      tags,
    });
    this.virtualNetwork = new VirtualNetwork(this, 'vnet', {
      name: names.virtualNetwork,
      location: model.location,
      resourceGroupName: this.resourceGroup.name,
      addressSpace: [addresses.addressSpace],
      // Below the top, nodes resolve through the parent's DNS from their first boot: set
      // on the VNET, which the subnets and so the cluster depend on. With a firewall the
      // top resolves through its DNS proxy, as the firewall's FQDN rules do.
      dnsServers: parent ? [parent.addresses.dnsIp] : model.firewall ? [model.firewall.addresses.privateIp] : undefined,
      tags,
    });
    this.nodeSubnet = new Subnet(this, 'subnet-nodes', {
      name: addresses.nodeSubnet.name,
      resourceGroupName: this.resourceGroup.name,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [addresses.nodeSubnet.cidr],
    });
    this.loadBalancerSubnet = new Subnet(this, 'subnet-egress-ilb', {
      name: addresses.loadBalancerSubnet.name,
      resourceGroupName: this.resourceGroup.name,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [addresses.loadBalancerSubnet.cidr],
    });

    this.securityGroup = new LevelSecurityGroup(this, 'nsg', {
      name: names.networkSecurityGroup,
      location: model.location,
      resourceGroupName: this.resourceGroup.name,
      rules: planNsgRules(model, level, AllowList.of(this).ports),
      subnets: { nodes: this.nodeSubnet, 'egress-ilb': this.loadBalancerSubnet },
      tags,
    });

    if (firewallHere) {
      const allowList = AllowList.of(this);
      this.firewall = new EgressFirewall(this, 'firewall', {
        names: firewallNames(model, level.name),
        location: model.location,
        resourceGroupName: this.resourceGroup.name,
        virtualNetworkName: this.virtualNetwork.name,
        dependsOn: [this.virtualNetwork],
        firewall: firewallHere,
        ipGroups: { [level.name]: [addresses.nodeSubnet.cidr] },
        rules: renderFirewallRules({ entries: allowList.entries, internetSources: [level.name] }),
        tags,
      });
      this.route = new DefaultRoute(this, 'route', {
        name: names.routeTable,
        location: model.location,
        resourceGroupName: this.resourceGroup.name,
        nodeSubnet: this.nodeSubnet,
        routeName: FIREWALL_ROUTE_NAME,
        nextHopIp: firewallHere.addresses.privateIp,
        tags,
      });
    }

    if (parent) {
      this.route = new ParentDefaultRoute(this, 'route', {
        name: names.routeTable,
        location: model.location,
        resourceGroupName: this.resourceGroup.name,
        nodeSubnet: this.nodeSubnet,
        parent: { level: parent.name, envoyIp: parent.addresses.envoyIp },
        tags,
      });
      const parentNames = levelNames(model, parent);
      this.peering = new ParentPeering(this, 'peering', {
        local: { level: level.name, resourceGroupName: names.resourceGroup, virtualNetworkName: names.virtualNetwork, virtualNetwork: this.virtualNetwork },
        parent: { level: parent.name, resourceGroupName: parentNames.resourceGroup, virtualNetworkName: parentNames.virtualNetwork },
      });
    }

    this.cluster = new LevelCluster(this, 'aks', {
      names,
      location: model.location,
      resourceGroupName: this.resourceGroup.name,
      options: model.cluster,
      nodeSubnet: this.nodeSubnet,
      loadBalancerSubnet: this.loadBalancerSubnet,
      routeTable: this.route?.table,
      dependsOn: [
        ...this.securityGroup.associations,
        ...(this.route ? [this.route.association] : []),
        ...(this.peering ? [this.peering.toParent, this.peering.fromParent] : []),
        // The nodes leave through the firewall from their first boot: its rules must be in place.
        ...(this.firewall ? [this.firewall.firewall, ...this.firewall.ruleCollectionGroups] : []),
      ],
      tags,
    });

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output('resource_group_name', this.resourceGroup.name, 'Resource group of the level');
    output('vnet_id', this.virtualNetwork.id, 'VNET of the level');
    output('node_subnet_id', this.nodeSubnet.id, 'AKS node subnet');
    output('load_balancer_subnet_id', this.loadBalancerSubnet.id, 'Subnet of the Envoy and DNS internal load balancers');
    output('envoy_ip', addresses.envoyIp, "Planned IP of the level's Envoy internal load balancer");
    output('dns_ip', addresses.dnsIp, "Planned IP of the level's DNS internal load balancer");
    output('cluster_name', this.cluster.cluster.name, 'AKS cluster of the level');
    if (this.firewall) {
      output('firewall_private_ip', firewallHere!.addresses.privateIp, "Planned private IP of the firewall: the top level's next hop and DNS proxy");
    }
  }
}
