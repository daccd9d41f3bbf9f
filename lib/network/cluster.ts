import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterOptions } from '../model';
import { KubernetesCluster, KubernetesClusterNetworkProfile } from './azurerm/containers';
import { DataAzurermClientConfig } from './azurerm/core';
import { RoleAssignment, UserAssignedIdentity } from './azurerm/identity';
import { RouteTable, Subnet } from './azurerm/network';
import { LevelNames } from '../model/azure-names';
import { PrivateClusterDnsAccess, type PrivateClusterDnsZoneHandle } from './private-cluster-dns';

/** Built-in role the AKS control plane needs on a subnet it joins (nodes) or places internal load balancers in. */
export const NETWORK_CONTRIBUTOR = 'Network Contributor';
/** Nodes AKS adds during an upgrade; the node subnet size check counts them. */
export const MAX_SURGE_NODES = 1;

/** Props of {@link LevelCluster}. */
export interface LevelClusterProps {
  readonly names: LevelNames;
  readonly location: string;
  readonly resourceGroupName: string;
  readonly options: ClusterOptions;
  readonly nodeSubnet: Subnet;
  readonly loadBalancerSubnet: Subnet;
  /**
   * Below the top level: the node subnet's route table. The cluster then uses the
   * `userDefinedRouting` outbound type (no public egress IP) and its identity gets
   * Network Contributor on the table. @default undefined (top level: `options.outboundType`)
   */
  readonly routeTable?: RouteTable;
  /**
   * A private cluster behind the firewall: the custom private DNS zone it registers its API
   * server in and the level's VNET (AKS links the zone to it). The identity gets the rights
   * of {@link PrivateClusterDnsAccess} first, the public FQDN is off.
   * @default undefined (a private cluster uses AKS's own 'System' zone)
   */
  readonly privateDns?: { readonly zone: PrivateClusterDnsZoneHandle; readonly virtualNetworkId: string };
  /** Created before the cluster: NSG associations, peerings (a lower level's nodes resolve through the parent's DNS from their first boot). */
  readonly dependsOn?: readonly ITerraformDependable[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One level's AKS cluster: a user-assigned control-plane identity with Network Contributor
 * on the node subnet and on the load balancer subnet (AKS needs it to join the nodes and
 * to place the internal load balancers' static IPs there), both granted before the
 * cluster is created; a system pool on the node subnet; the configured network plugin,
 * policy, service range and outbound type (`userDefinedRouting` below the top level, with
 * Network Contributor on its route table); local accounts off and Entra ID with Azure RBAC
 * for the tenant Terraform runs in.
 */
export class LevelCluster extends Construct {
  public readonly identity: UserAssignedIdentity;
  public readonly roleAssignments: RoleAssignment[];
  /** With `privateDns` only: the identity's rights on the zone and the VNET (also in `roleAssignments`). */
  public readonly privateDnsAccess?: PrivateClusterDnsAccess;
  public readonly cluster: KubernetesCluster;

  constructor(scope: Construct, id: string, props: LevelClusterProps) {
    super(scope, id);
    const { names, options } = props;
    const tags = props.tags ? { ...props.tags } : undefined;
    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: names.clusterIdentity,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      tags,
    });
    const grant = (key: string, scopeId: string) =>
      new RoleAssignment(this, `network-contributor-${key}`, {
        scope: scopeId,
        roleDefinitionName: NETWORK_CONTRIBUTOR,
        principalId: this.identity.principalId,
        principalType: 'ServicePrincipal',
        skipServicePrincipalAadCheck: true,
      });
    this.roleAssignments = [grant('nodes', props.nodeSubnet.id), grant('load-balancers', props.loadBalancerSubnet.id)];
    if (props.routeTable) this.roleAssignments.push(grant('route-table', props.routeTable.id));
    if (options.privateCluster && props.privateDns) {
      this.privateDnsAccess = new PrivateClusterDnsAccess(this, 'private-dns', { ...props.privateDns, principalId: this.identity.principalId });
      this.roleAssignments.push(...this.privateDnsAccess.roleAssignments);
    }
    const client = new DataAzurermClientConfig(this, 'client');
    this.cluster = new KubernetesCluster(this, 'cluster', {
      name: names.cluster,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      nodeResourceGroup: names.nodeResourceGroup,
      dnsPrefix: names.dnsPrefix,
      kubernetesVersion: options.kubernetesVersion,
      privateClusterEnabled: options.privateCluster,
      // A custom zone: AKS docs ("Hub and spoke with custom DNS for private AKS clusters") pair it with the public FQDN off.
      privateDnsZoneId: this.privateDnsAccess?.zoneId,
      privateClusterPublicFqdnEnabled: this.privateDnsAccess ? false : undefined,
      apiServerAccessProfile: options.apiServerAuthorizedIpRanges.length > 0 ? { authorizedIpRanges: [...options.apiServerAuthorizedIpRanges] } : undefined,
      // No static cluster-admin credential: kubeconfigs come from Entra ID, rights from Azure RBAC.
      localAccountDisabled: !options.localAccounts,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        azureRbacEnabled: true,
        tenantId: client.tenantId,
        adminGroupObjectIds: options.adminGroupObjectIds.length > 0 ? [...options.adminGroupObjectIds] : undefined,
      },
      defaultNodePool: {
        name: names.systemNodePool,
        temporaryNameForRotation: names.systemNodePoolRotation,
        nodeCount: options.nodeCount,
        vmSize: options.vmSize,
        maxPods: options.maxPods,
        vnetSubnetId: props.nodeSubnet.id,
        upgradeSettings: { maxSurge: String(MAX_SURGE_NODES) },
      },
      identity: { type: 'UserAssigned', identityIds: [this.identity.id] },
      networkProfile: networkProfile(options, props.routeTable ? 'userDefinedRouting' : options.outboundType),
      tags,
      dependsOn: [...this.roleAssignments, ...(props.dependsOn ?? [])],
    });
  }
}

/**
 * The AKS network profile for the configured plugin and policy.
 * @param outboundType the level's outbound type: `userDefinedRouting` below the top level
 */
export function networkProfile(options: ClusterOptions, outboundType: string = options.outboundType): KubernetesClusterNetworkProfile {
  const overlay = options.networkPlugin === 'azure-overlay';
  return {
    networkPlugin: options.networkPlugin === 'kubenet' ? 'kubenet' : 'azure',
    networkPluginMode: overlay ? 'overlay' : undefined,
    networkPolicy: options.networkPolicy,
    networkDataPlane: options.networkPolicy === 'cilium' ? 'cilium' : undefined,
    podCidr: options.networkPlugin === 'azure' ? undefined : options.podCidr,
    serviceCidr: options.serviceCidr,
    dnsServiceIp: options.dnsServiceIp,
    outboundType,
    loadBalancerSku: 'standard',
  };
}
