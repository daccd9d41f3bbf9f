import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AllowList, BackendConfig, backendSchema, clusterOptions, ClusterOptions, clusterSchema, LevelModel, nameField, workloadOptions } from '../model';
import { deploymentProblems } from '../model/deployment-rules';
import { PropsCheck } from '../model/props-check';
import { AzurermProvider, ResourceGroup } from './azurerm/core';
import { Subnet, VirtualNetwork } from './azurerm/network';
import { configureBackend } from './backend';
import { LevelCluster } from './cluster';
import { EgressFirewall } from './firewall';
import { FIREWALL_ROUTE_NAME, firewallNames, HUB_STACK, hubNames, LevelNames, levelNames } from '../model/azure-names';
import { hubNsgInput, planLevelNsgRules } from '../model/nsg-plan';
import { HubPeering, ParentPeering } from './peering';
import { DefaultRoute, ParentDefaultRoute } from './route-table';
import { renderFirewallRules } from '../render/firewall-rules';
import type { FirewallModel } from '../model/firewall';
import { LevelSecurityGroup } from './security-group';
import { azureNameProblem } from '../model/azure-names';
import { ExistingPrivateClusterDnsZone, PrivateClusterDnsZone, PrivateClusterDnsZoneHandle } from './private-cluster-dns';

/**
 * Where a private cluster's custom private DNS zone lives (see {@link LevelStackProps.privateClusterDns}):
 * `'here'`, this stack holds the firewall and creates the zone linked to its own VNET; else the
 * resource group of the stack that holds it, where this stack finds it by name.
 */
export type PrivateClusterDnsSource = 'here' | { readonly resourceGroupName: string };

/** A level as a stack sees it: its name and its planned addresses (`LevelModel` fits). */
export type PlannedLevel = Pick<LevelModel, 'name' | 'addresses'>;

/**
 * Props of {@link LevelStack}: the level's own facts, its neighbours' and the options,
 * checked by the config file's rules; the allow-list ports come from `AllowList.of(stack)`.
 */
export interface LevelStackProps {
  /** The deployment's name (the config's `name`): the prefix of every Azure resource name and of the state keys. */
  readonly deployment: string;
  /** The Azure region of every resource (the config's `location`). */
  readonly location: string;
  /** The level: its name (also the stack's name) and its planned addresses. */
  readonly level: PlannedLevel;
  /**
   * The level above: this level's VNET DNS is the parent's `dnsIp`, its default route
   * and its only way out the parent's `envoyIp`; the stack peers with the parent's VNET.
   * @default undefined: the top level, which reaches the internet
   */
  readonly parent?: PlannedLevel;
  /**
   * The level below, whose address space may reach this level's Envoy and DNS.
   * @default undefined: the bottom level
   */
  readonly child?: PlannedLevel;
  /** Every other level's address space: the NSG denies anything else from and to them. @default [] */
  readonly otherAddressSpaces?: readonly string[];
  /** AKS settings, written like the config file's `cluster:` section. @default every key at its config-file default */
  readonly cluster?: Partial<ClusterOptions>;
  /**
   * The azurerm state backend, written like the config file's `terraform.backend`
   * (`resourceGroupName`, `storageAccountName` and `containerName` required).
   * @default undefined (a local state file per stack)
   */
  readonly backend?: Partial<BackendConfig>;
  /**
   * The config's firewall (`model.firewall`). Placement `top`, top level: the Azure
   * Firewall in front of its internet egress (its subnet, policy, rules from the
   * allow-list, a 0.0.0.0/0 route to it, the VNET resolving through its DNS proxy).
   * Placement `hub`, every level: a spoke of the hub stack ({@link HubStack}), peered with
   * the hub only, 0.0.0.0/0 to the firewall, the hub's address space denied by the NSG
   * (the top level may reach the firewall's DNS proxy, which its VNET resolves through).
   * @default undefined (no firewall: the top level keeps its own egress)
   */
  readonly firewall?: FirewallModel;
  /**
   * With `cluster.privateCluster` behind a firewall (either placement): where the custom
   * private DNS zone `privatelink.<location>.azmk8s.io` of every level's cluster lives, so
   * that the firewall's DNS proxy, where every level's DNS ends, answers it. `'here'` in the
   * stack that holds the firewall (the top level with placement `top`), which creates the
   * zone linked to its VNET; every other level names that stack's resource group. Lifts
   * the refusal of `privateCluster` below the top level.
   * @default undefined (a private cluster uses AKS's 'System' zone, and only a single level may have one)
   */
  readonly privateClusterDns?: PrivateClusterDnsSource;
}

/** Every problem of `props` by the config file's rules, thrown at once; the normalised cluster options and backend. */
function checkedProps(props: LevelStackProps): { cluster: ClusterOptions; backend?: BackendConfig } {
  const check = new PropsCheck('LevelStack', props.level?.name ?? '?');
  nameField(props.deployment, ['deployment'], check.issues);
  check.location(['location'], props.location);
  for (const [key, level] of [
    ['level', props.level],
    ['parent', props.parent],
    ['child', props.child],
  ] as const) {
    if (level === undefined && key !== 'level') continue;
    check.levelName([key, 'name'], level?.name);
    const a = level?.addresses;
    check.cidr([key, 'addresses', 'addressSpace'], a?.addressSpace).ip([key, 'addresses', 'envoyIp'], a?.envoyIp).ip([key, 'addresses', 'dnsIp'], a?.dnsIp);
    for (const subnet of ['nodeSubnet', 'loadBalancerSubnet'] as const) {
      check.subnetName([key, 'addresses', subnet, 'name'], a?.[subnet]?.name).cidr([key, 'addresses', subnet, 'cidr'], a?.[subnet]?.cidr);
    }
  }
  if (props.otherAddressSpaces !== undefined) check.cidrs(['otherAddressSpaces'], props.otherAddressSpaces);
  if (props.firewall !== undefined) check.firewall(['firewall'], props.firewall);
  const backend = props.backend === undefined ? undefined : backendSchema(props.backend, ['backend'], check.issues);
  const raw = props.cluster === undefined ? undefined : clusterSchema(props.cluster, ['cluster'], check.issues);
  const cluster = clusterOptions(raw);
  const zoneRg = typeof props.privateClusterDns === 'object' ? props.privateClusterDns.resourceGroupName : undefined;
  if (props.privateClusterDns !== undefined && props.privateClusterDns !== 'here') {
    const problem = typeof zoneRg === 'string' ? azureNameProblem('resource group', zoneRg) : 'must be a resource group name';
    if (problem) check.issues.add(['privateClusterDns', 'resourceGroupName'], problem, zoneRg);
  }
  for (const p of deploymentProblems(cluster, workloadOptions(undefined), props.parent === undefined ? 1 : 2, props.privateClusterDns !== undefined)) {
    if (p.path[0] === 'cluster') check.issues.add(p.path, p.rule, p.value);
  }
  check.done();
  return { cluster, backend };
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
  /** The Azure names of the level's resources. */
  public readonly names: LevelNames;
  /** The level's resource group. */
  public readonly resourceGroup: ResourceGroup;
  /** The level's VNET. */
  public readonly virtualNetwork: VirtualNetwork;
  /** The AKS node subnet. */
  public readonly nodeSubnet: Subnet;
  /** The subnet of the Envoy and DNS internal load balancers. */
  public readonly loadBalancerSubnet: Subnet;
  /** The level's NSG, on both subnets. */
  public readonly securityGroup: LevelSecurityGroup;
  /** Below the top only, without a hub: the peerings with the parent's VNET (both directions, owned here). */
  public readonly peering?: ParentPeering;
  /** With `firewall.placement: hub`, every level: the peerings with the hub's VNET (both directions, owned here). */
  public readonly hubPeering?: HubPeering;
  /**
   * The node subnet's route table, whose default route keeps AKS's `userDefinedRouting`
   * from creating a public egress IP: below the top to the parent's Envoy; at the top
   * with a firewall (placement `top`), and at every level with placement `hub`, to the
   * firewall. @default undefined at the top without a firewall
   */
  public readonly route?: DefaultRoute;
  /** The top level with `firewall.placement: top` only: the firewall, its policy and rules. */
  public readonly firewall?: EgressFirewall;
  /** With `privateClusterDns: 'here'` and a private cluster: the custom private DNS zone of every level's cluster, linked to this VNET. */
  public readonly privateClusterDnsZone?: PrivateClusterDnsZone;
  /** The level's AKS cluster. */
  public readonly cluster: LevelCluster;

  /**
   * @param scope the cdktf `App` (the stack's name is the level's name)
   * @param props the level, its neighbours and the options
   * @throws ConfigError listing every prop the config file's rules refuse
   */
  constructor(scope: Construct, props: LevelStackProps) {
    const { cluster: clusterOpts, backend } = checkedProps(props);
    super(scope, props.level.name);
    const { level, parent, location } = props;
    const addresses = level.addresses;
    const names = (this.names = levelNames({ name: props.deployment }, level));
    const firewallHere = !parent && props.firewall?.placement === 'top' ? props.firewall : undefined;
    const hub = props.firewall?.placement === 'hub' ? props.firewall : undefined;
    const tags = { [LEVEL_TAG]: level.name };
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    configureBackend(this, backend, props.deployment);

    this.resourceGroup = new ResourceGroup(this, 'resource-group', {
      name: names.resourceGroup,
      location,
      tags,
    });
    this.virtualNetwork = new VirtualNetwork(this, 'vnet', {
      name: names.virtualNetwork,
      location,
      resourceGroupName: this.resourceGroup.name,
      addressSpace: [addresses.addressSpace],
      // Below the top, nodes resolve through the parent's DNS from their first boot: set
      // on the VNET, which the subnets and so the cluster depend on. With a firewall the
      // top resolves through its DNS proxy (in its VNET or the hub), as the firewall's FQDN rules do.
      dnsServers: parent ? [parent.addresses.dnsIp] : props.firewall ? [props.firewall.addresses.privateIp] : undefined,
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
      location,
      resourceGroupName: this.resourceGroup.name,
      rules: planLevelNsgRules(
        { level, parent, child: props.child, otherAddressSpaces: props.otherAddressSpaces ?? [], cluster: clusterOpts, hub: hubNsgInput(props.firewall) },
        AllowList.of(this).ports,
      ),
      subnets: { nodes: this.nodeSubnet, 'egress-ilb': this.loadBalancerSubnet },
      tags,
    });

    if (firewallHere) {
      this.firewall = new EgressFirewall(this, 'firewall', {
        names: firewallNames({ name: props.deployment }, level.name),
        location,
        resourceGroupName: this.resourceGroup.name,
        virtualNetworkName: this.virtualNetwork.name,
        dependsOn: [this.virtualNetwork],
        firewall: firewallHere,
        ipGroups: { [level.name]: [addresses.nodeSubnet.cidr] },
        rules: renderFirewallRules({ entries: AllowList.of(this).entries, internetSources: [level.name] }),
        tags,
      });
    }

    const localNetwork = {
      level: level.name,
      resourceGroupName: names.resourceGroup,
      virtualNetworkName: names.virtualNetwork,
      virtualNetwork: this.virtualNetwork,
    };
    // The top level leaves through its own firewall; with a hub every spoke leaves through
    // the hub's: to the internet (the top level) and to its parent's Envoy and DNS (the
    // spokes are not peered with each other).
    const firewallHop = firewallHere ?? hub;
    if (firewallHop) {
      this.route = new DefaultRoute(this, 'route', {
        name: names.routeTable,
        location,
        resourceGroupName: this.resourceGroup.name,
        nodeSubnet: this.nodeSubnet,
        routeName: FIREWALL_ROUTE_NAME,
        nextHopIp: firewallHop.addresses.privateIp,
        tags,
      });
    }
    if (hub) {
      const hubNamesOf = hubNames({ name: props.deployment });
      this.hubPeering = new HubPeering(this, 'hub-peering', {
        local: localNetwork,
        hub: { level: HUB_STACK, resourceGroupName: hubNamesOf.resourceGroup, virtualNetworkName: hubNamesOf.virtualNetwork },
      });
    } else if (parent) {
      this.route = new ParentDefaultRoute(this, 'route', {
        name: names.routeTable,
        location,
        resourceGroupName: this.resourceGroup.name,
        nodeSubnet: this.nodeSubnet,
        parent: { level: parent.name, envoyIp: parent.addresses.envoyIp },
        tags,
      });
      const parentNames = levelNames({ name: props.deployment }, parent);
      this.peering = new ParentPeering(this, 'peering', {
        local: localNetwork,
        parent: { level: parent.name, resourceGroupName: parentNames.resourceGroup, virtualNetworkName: parentNames.virtualNetwork },
      });
    }

    // Private cluster behind the firewall: the zone where every level's DNS ends (see private-cluster-dns.ts).
    const zoneSource = clusterOpts.privateCluster ? props.privateClusterDns : undefined;
    let privateDnsZone: PrivateClusterDnsZoneHandle | undefined;
    if (zoneSource === 'here') {
      privateDnsZone = this.privateClusterDnsZone = new PrivateClusterDnsZone(this, 'private-cluster-dns', {
        location,
        resourceGroupName: this.resourceGroup.name,
        resolverNetworks: [{ name: names.virtualNetwork, id: this.virtualNetwork.id }],
        tags,
      });
    } else if (zoneSource !== undefined) {
      privateDnsZone = new ExistingPrivateClusterDnsZone(this, 'private-cluster-dns', { location, resourceGroupName: zoneSource.resourceGroupName });
    }

    this.cluster = new LevelCluster(this, 'aks', {
      names,
      location,
      resourceGroupName: this.resourceGroup.name,
      options: clusterOpts,
      nodeSubnet: this.nodeSubnet,
      loadBalancerSubnet: this.loadBalancerSubnet,
      routeTable: this.route?.table,
      privateDns: privateDnsZone ? { zone: privateDnsZone, virtualNetworkId: this.virtualNetwork.id } : undefined,
      dependsOn: [
        ...this.securityGroup.associations,
        ...(this.route ? [this.route.association] : []),
        ...(this.peering ? [this.peering.toParent, this.peering.fromParent] : []),
        ...(this.hubPeering ? [this.hubPeering.toHub, this.hubPeering.fromHub] : []),
        // The nodes leave through the firewall from their first boot: its rules must be in place.
        ...(this.firewall ? [this.firewall.firewall, ...this.firewall.ruleCollectionGroups] : []),
        // The DNS proxy's VNET answers the zone before the first node asks for its API server.
        ...(this.privateClusterDnsZone ? this.privateClusterDnsZone.links : []),
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
    if (firewallHere)
      output('firewall_private_ip', firewallHere.addresses.privateIp, "Planned private IP of the firewall: the top level's next hop and DNS proxy");
  }
}
