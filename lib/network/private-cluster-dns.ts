/**
 * Private AKS API servers behind the firewall, at every level: one custom private DNS zone
 * `privatelink.<location>.azmk8s.io` shared by every level's cluster, linked to the VNET
 * whose resolver answers it, and per level the rights AKS needs to use it.
 *
 * Why a custom zone, and linked there: every level's DNS ends at the firewall's DNS proxy
 * (the top VNET's DNS server is the firewall; each lower VNET's is its parent's dnsmasq,
 * which forwards `privatelink.<location>.azmk8s.io` upwards), and the proxy asks Azure DNS
 * from the firewall's VNET. Azure DNS answers a private zone only in a VNET linked to it, and
 * AKS's default ('System') zone "is linked only to the VNet that the cluster nodes are
 * attached to", so on that path nobody answers it and a lower cluster's nodes never find
 * their API server (AKS docs, "Create a private Azure Kubernetes Service (AKS) cluster",
 * section "Hub and spoke with custom DNS for private AKS clusters", whose supported
 * configuration for custom DNS is a custom private DNS zone).
 *
 * Two pieces, so the stack that holds the firewall (the top level with placement `top`, the
 * hub with placement `hub`) owns the zone and every level's stack only grants and uses it:
 * - {@link PrivateClusterDnsZone}: the zone and its links (registration off) to the
 *   resolver VNETs; {@link ExistingPrivateClusterDnsZone} finds it from another stack by
 *   name, as the peering finds the parent's VNET;
 * - {@link PrivateClusterDnsAccess}: the cluster identity's 'Private DNS Zone Contributor'
 *   on the zone (AKS writes the API server's A record) and 'Network Contributor' on the
 *   level's VNET (AKS links the zone to the cluster's own VNET itself, "even when the zone
 *   is already linked to a hub VNet"), as the same page requires for a custom zone.
 */
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAzurermPrivateDnsZone, PrivateDnsZone, PrivateDnsZoneVirtualNetworkLink } from './azurerm/dns';
import { RoleAssignment } from './azurerm/identity';
import { NETWORK_CONTRIBUTOR } from './cluster';
import { privateClusterZone } from '../model/azure-facts';

/** Built-in role AKS needs on a custom private DNS zone to write its API server's record. */
export const PRIVATE_DNS_ZONE_CONTRIBUTOR = 'Private DNS Zone Contributor';

/** The zone AKS accepts as a custom private cluster zone in `location` (Azure global cloud). */
export const privateClusterZoneName = privateClusterZone;

/** Name of the zone's link to the VNET `virtualNetworkName` (unique in the zone; a VNET links once). */
export function privateClusterZoneLinkName(virtualNetworkName: string): string {
  return `link-${virtualNetworkName}`;
}

/** What a level's cluster needs of the zone: its name and Azure resource ID. */
export interface PrivateClusterDnsZoneHandle {
  /** `privatelink.<location>.azmk8s.io`. */
  readonly zoneName: string;
  /** The zone's Azure resource ID (a reference): the cluster's `private_dns_zone_id` and the scope of its DNS role. */
  readonly zoneId: string;
}

/** A VNET whose resolver must answer the zone. */
export interface ResolverNetwork {
  /** The VNET's Azure name (it names the link). */
  readonly name: string;
  /** The VNET's resource ID (a reference, or a data source's `id`). */
  readonly id: string;
}

/** Props of {@link PrivateClusterDnsZone}. */
export interface PrivateClusterDnsZoneProps {
  /** The Azure region of the clusters: the zone is `privatelink.<location>.azmk8s.io`. */
  readonly location: string;
  /** Resource group of the stack that holds the firewall. */
  readonly resourceGroupName: string;
  /**
   * The VNETs whose resolver must answer the zone: the firewall's VNET, where its DNS proxy
   * asks Azure DNS (the top level's VNET with placement `top`, the hub's with `hub`).
   */
  readonly resolverNetworks: readonly ResolverNetwork[];
  /** Created before the links (the VNETs, when `id` is not a reference to them). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Tags of the zone and its links. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The custom private DNS zone of every level's private AKS cluster and its links to the
 * resolver VNETs, registration off (AKS writes the records itself). Construct it in the
 * stack that holds the firewall.
 */
export class PrivateClusterDnsZone extends Construct implements PrivateClusterDnsZoneHandle {
  /** The `azurerm_private_dns_zone`. */
  public readonly zone: PrivateDnsZone;
  /** One link per resolver VNET, in the order given. */
  public readonly links: PrivateDnsZoneVirtualNetworkLink[];
  /** `privatelink.<location>.azmk8s.io`. */
  public readonly zoneName: string;
  /** The zone's resource ID (a reference to it). */
  public readonly zoneId: string;

  constructor(scope: Construct, id: string, props: PrivateClusterDnsZoneProps) {
    super(scope, id);
    if (props.resolverNetworks.length === 0)
      throw new Error(`PrivateClusterDnsZone '${id}': resolverNetworks is empty; a zone no resolver sees answers nobody`);
    const tags = props.tags ? { ...props.tags } : undefined;
    this.zoneName = privateClusterZoneName(props.location);
    this.zone = new PrivateDnsZone(this, 'zone', { name: this.zoneName, resourceGroupName: props.resourceGroupName, tags });
    this.zoneId = this.zone.id;
    this.links = props.resolverNetworks.map(
      (network) =>
        new PrivateDnsZoneVirtualNetworkLink(this, `link-${network.name}`, {
          name: privateClusterZoneLinkName(network.name),
          resourceGroupName: props.resourceGroupName,
          privateDnsZoneName: this.zone.name,
          virtualNetworkId: network.id,
          registrationEnabled: false,
          tags,
          dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
        }),
    );
  }
}

/** Props of {@link ExistingPrivateClusterDnsZone}. */
export interface ExistingPrivateClusterDnsZoneProps {
  /** The Azure region of the clusters: the zone is `privatelink.<location>.azmk8s.io`. */
  readonly location: string;
  /** Resource group of the stack that holds the zone (a plain name: no cross-stack reference). */
  readonly resourceGroupName: string;
}

/**
 * The zone created by another stack, found by name with `data.azurerm_private_dns_zone`, so
 * planning a lower level fails clearly while the stack that owns the zone is not deployed.
 */
export class ExistingPrivateClusterDnsZone extends Construct implements PrivateClusterDnsZoneHandle {
  /** The `data.azurerm_private_dns_zone` lookup. */
  public readonly zone: DataAzurermPrivateDnsZone;
  /** `privatelink.<location>.azmk8s.io`. */
  public readonly zoneName: string;
  /** The zone's resource ID, as the data source reads it. */
  public readonly zoneId: string;

  constructor(scope: Construct, id: string, props: ExistingPrivateClusterDnsZoneProps) {
    super(scope, id);
    this.zoneName = privateClusterZoneName(props.location);
    this.zone = new DataAzurermPrivateDnsZone(this, 'zone', { name: this.zoneName, resourceGroupName: props.resourceGroupName });
    this.zoneId = this.zone.id;
  }
}

/** Props of {@link PrivateClusterDnsAccess}. */
export interface PrivateClusterDnsAccessProps {
  /** The zone the cluster registers its API server in. */
  readonly zone: PrivateClusterDnsZoneHandle;
  /** Principal ID of the cluster's user-assigned control-plane identity. */
  readonly principalId: string;
  /** The level's VNET, which AKS links to the zone. */
  readonly virtualNetworkId: string;
}

/**
 * The rights a cluster's control-plane identity needs to use a custom private DNS zone,
 * granted before the cluster is created (make the cluster depend on `roleAssignments`):
 * 'Private DNS Zone Contributor' on the zone and 'Network Contributor' on the level's VNET.
 */
export class PrivateClusterDnsAccess extends Construct {
  /** 'Private DNS Zone Contributor' on the zone. */
  public readonly zoneContributor: RoleAssignment;
  /** 'Network Contributor' on the level's VNET. */
  public readonly networkContributor: RoleAssignment;
  /** Both, for `dependsOn`. */
  public readonly roleAssignments: RoleAssignment[];
  /** The zone's resource ID: the cluster's `private_dns_zone_id`. */
  public readonly zoneId: string;

  constructor(scope: Construct, id: string, props: PrivateClusterDnsAccessProps) {
    super(scope, id);
    const grant = (key: string, role: string, scopeId: string) =>
      new RoleAssignment(this, key, {
        scope: scopeId,
        roleDefinitionName: role,
        principalId: props.principalId,
        principalType: 'ServicePrincipal',
        skipServicePrincipalAadCheck: true,
      });
    this.zoneContributor = grant('private-dns-zone-contributor', PRIVATE_DNS_ZONE_CONTRIBUTOR, props.zone.zoneId);
    this.networkContributor = grant('network-contributor-vnet', NETWORK_CONTRIBUTOR, props.virtualNetworkId);
    this.roleAssignments = [this.zoneContributor, this.networkContributor];
    this.zoneId = props.zone.zoneId;
  }
}
