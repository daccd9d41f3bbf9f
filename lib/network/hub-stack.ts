import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AllowList, BackendConfig, backendSchema, nameField } from '../model';
import type { FirewallModel } from '../model/firewall';
import { PropsCheck } from '../model/props-check';
import { FirewallHop, renderFirewallRules } from '../render/firewall-rules';
import { AzurermProvider, ResourceGroup } from './azurerm/core';
import { VirtualNetwork } from './azurerm/network';
import { configureBackend } from './backend';
import { EgressFirewall } from './firewall';
import { PrivateClusterDnsZone } from './private-cluster-dns';
import { firewallNames, HUB_STACK, hubNames, HubNames } from '../model/azure-names';
import type { PlannedLevel } from './level-stack';

/** A level as the hub sees it: its planned addresses and the level above it. */
export interface HubSpoke extends PlannedLevel {
  /** The level above; undefined for the top level, the only one whose IP group gets the allow-list. */
  readonly parent?: string;
}

/** Props of {@link HubStack}. */
export interface HubStackProps {
  /** The deployment's name (the config's `name`): the prefix of every Azure resource name and of the state keys. */
  readonly deployment: string;
  /** The Azure region of every resource (the config's `location`). */
  readonly location: string;
  /** The firewall, placement `hub` (`model.firewall`): its options, planned subnet and IP, and the hub's address space. */
  readonly firewall: FirewallModel;
  /** Every level, top (internet-facing) first: one IP group each, and a firewall hop from each level to its parent. */
  readonly levels: readonly HubSpoke[];
  /**
   * The azurerm state backend, written like the config file's `terraform.backend`.
   * @default undefined (a local state file)
   */
  readonly backend?: Partial<BackendConfig>;
  /**
   * The levels' clusters are private (`cluster.privateCluster`): the hub holds their custom
   * private DNS zone `privatelink.<location>.azmk8s.io`, linked to the hub VNET, where the
   * firewall's DNS proxy (the end of every level's DNS) asks Azure DNS.
   * @default false
   */
  readonly privateClusters?: boolean;
}

/** Tag put on every resource of the hub. */
export const HUB_TAG = 'layered-egress-hub';

/** Every problem of `props` by the config file's rules, thrown at once; the normalised backend. */
function checkedProps(props: HubStackProps): BackendConfig | undefined {
  const check = new PropsCheck('HubStack', HUB_STACK);
  nameField(props.deployment, ['deployment'], check.issues);
  check.location(['location'], props.location).firewall(['firewall'], props.firewall);
  if (props.firewall?.placement !== 'hub' || !props.firewall.hub)
    check.issues.add(['firewall', 'placement'], "must be 'hub' with a hub address space", props.firewall?.placement);
  if (!Array.isArray(props.levels) || props.levels.length === 0) check.issues.add(['levels'], 'must list every level, top first', props.levels);
  const names = new Set((props.levels ?? []).map((l) => l?.name));
  (props.levels ?? []).forEach((level, i) => {
    check.levelName(['levels', i, 'name'], level?.name).cidr(['levels', i, 'addresses', 'nodeSubnet', 'cidr'], level?.addresses?.nodeSubnet?.cidr);
    check.ip(['levels', i, 'addresses', 'envoyIp'], level?.addresses?.envoyIp).ip(['levels', i, 'addresses', 'dnsIp'], level?.addresses?.dnsIp);
    if ((i === 0) !== (level?.parent === undefined)) check.issues.add(['levels', i, 'parent'], 'only the first (top) level has no parent', level?.parent);
    if (level?.parent !== undefined && !names.has(level.parent)) check.issues.add(['levels', i, 'parent'], 'must name another level of the list', level.parent);
  });
  if (props.privateClusters !== undefined && typeof props.privateClusters !== 'boolean')
    check.issues.add(['privateClusters'], 'must be true or false', props.privateClusters);
  const backend = props.backend === undefined ? undefined : backendSchema(props.backend, ['backend'], check.issues);
  check.done();
  return backend;
}

/**
 * The hub of `firewall.placement: hub`, deployed before every level: a resource group, the
 * hub VNET (Azure DNS: the firewall's DNS proxy forwards to it), and the Azure Firewall
 * with its policy, public IPs and one IP group per level's node subnet. Its rules come
 * from the one allow-list: application and network rules for the top level's IP group
 * only (the only level that reaches the internet), and network rules for exactly the
 * hops of the chain (each level to its parent's Envoy IP on the allow-list ports and to
 * its parent's DNS IP on 53), then the final deny; with private clusters, their custom
 * private DNS zone, linked to the hub VNET. Every level is a spoke peered with
 * this VNET only; each spoke's stack owns its peerings, so the hub never changes when a
 * level is added.
 */
export class HubStack extends TerraformStack {
  /** The Azure names of the hub's resource group and VNET. */
  public readonly names: HubNames;
  /** The hub's resource group. */
  public readonly resourceGroup: ResourceGroup;
  /** The hub's VNET, which every level's stack peers with. */
  public readonly virtualNetwork: VirtualNetwork;
  /** The firewall, its policy, IP groups and rules. */
  public readonly firewall: EgressFirewall;
  /** With `privateClusters`: the levels' custom private DNS zone, linked to the hub VNET. */
  public readonly privateClusterDnsZone?: PrivateClusterDnsZone;

  /**
   * @param scope the cdktf `App` (the stack is named `hub`)
   * @param props the firewall, the levels and the options
   * @throws ConfigError listing every prop the config file's rules refuse
   */
  constructor(scope: Construct, props: HubStackProps) {
    const backend = checkedProps(props);
    super(scope, HUB_STACK);
    const { firewall, location } = props;
    const names = (this.names = hubNames({ name: props.deployment }));
    const tags = { [HUB_TAG]: props.deployment };
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    configureBackend(this, backend, props.deployment);

    this.resourceGroup = new ResourceGroup(this, 'resource-group', { name: names.resourceGroup, location, tags });
    this.virtualNetwork = new VirtualNetwork(this, 'vnet', {
      name: names.virtualNetwork,
      location,
      resourceGroupName: this.resourceGroup.name,
      addressSpace: [firewall.hub!.addressSpace],
      tags,
    });
    const hops: FirewallHop[] = props.levels.flatMap((level) => {
      const parent = props.levels.find((l) => l.name === level.parent);
      return parent
        ? [{ child: level.name, parent: parent.name, sourceIpGroup: level.name, parentEnvoyIp: parent.addresses.envoyIp, parentDnsIp: parent.addresses.dnsIp }]
        : [];
    });
    const top = props.levels[0];
    this.firewall = new EgressFirewall(this, 'firewall', {
      names: firewallNames({ name: props.deployment }, HUB_STACK),
      location,
      resourceGroupName: this.resourceGroup.name,
      virtualNetworkName: this.virtualNetwork.name,
      dependsOn: [this.virtualNetwork],
      firewall,
      ipGroups: Object.fromEntries(props.levels.map((l) => [l.name, [l.addresses.nodeSubnet.cidr]])),
      rules: renderFirewallRules({ entries: AllowList.of(this).entries, internetSources: [top.name], hops }),
      tags,
    });

    if (props.privateClusters) {
      this.privateClusterDnsZone = new PrivateClusterDnsZone(this, 'private-cluster-dns', {
        location,
        resourceGroupName: this.resourceGroup.name,
        resolverNetworks: [{ name: names.virtualNetwork, id: this.virtualNetwork.id }],
        tags,
      });
    }

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output('resource_group_name', this.resourceGroup.name, 'Resource group of the hub');
    output('vnet_id', this.virtualNetwork.id, 'Hub VNET every level is peered with');
    output('firewall_private_ip', firewall.addresses.privateIp, "Planned private IP of the firewall: every level's next hop, the top level's DNS proxy");
  }
}
