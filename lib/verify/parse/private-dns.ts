import { Source } from '../types';
import { addressOf, TfBlock, TfResolver, TfStack } from './terraform';
import { VnetFact, vnetFromId } from './network';

/**
 * The private-cluster DNS facts of the Terraform JSON: private DNS zones (created, or found
 * by name with a data source), their virtual network links, and per AKS cluster its private
 * API server settings, its control-plane identity and that identity's role assignments.
 */

/** A zone as Azure names it: name and resource group (a data source names the same zone as the resource it finds). */
export interface ZoneRef {
  readonly name: string;
  readonly resourceGroup?: string;
}

export interface PrivateZoneLinkFact {
  readonly zone: ZoneRef;
  /** VNET key, when the link's `virtual_network_id` can be followed. */
  readonly vnet?: string;
  readonly source: Source;
}

export interface RoleAssignmentFact {
  readonly role?: string;
  /** What `scope` points at: a zone, a VNET (key), or something else (raw). */
  readonly scope: { readonly zone?: ZoneRef; readonly vnet?: string; readonly raw: string };
  /** Address of the `azurerm_user_assigned_identity` whose `principal_id` it grants, when it is one. */
  readonly identity?: string;
  /** `azurerm_role_assignment.<name>`, as `depends_on` writes it. */
  readonly address: string;
  readonly source: Source;
}

export interface PrivateClusterFact {
  readonly stack: string;
  readonly privateCluster: boolean;
  /** `private_dns_zone_id` as written (`System`, `None`, a reference, an ID); undefined when absent (AKS's default, 'System'). */
  readonly zoneIdRaw?: string;
  /** The zone `private_dns_zone_id` names, when it is a zone of the stacks or an Azure resource ID. */
  readonly zone?: ZoneRef;
  readonly identityType?: string;
  /** Address of the user-assigned identity the cluster runs as. */
  readonly identity?: string;
  readonly dependsOn: readonly string[];
  /** Role assignments of the cluster's stack. */
  readonly roleAssignments: readonly RoleAssignmentFact[];
  readonly source: Source;
}

export interface PrivateDnsFacts {
  /** Zones the stacks create. */
  readonly zones: ReadonlyArray<ZoneRef & { readonly source: Source }>;
  readonly links: readonly PrivateZoneLinkFact[];
  readonly clusters: readonly PrivateClusterFact[];
}

const src = (b: TfBlock): Source => ({ file: b.file, object: addressOf(b), line: b.line });
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const ZONE_ID = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

/** Do two references name the same zone (names case-insensitive, as Azure compares them; an unknown group matches any)? */
export function sameZone(a: ZoneRef | undefined, b: ZoneRef | undefined): boolean {
  if (!a || !b || a.name.toLowerCase() !== b.name.toLowerCase()) return false;
  return a.resourceGroup === undefined || b.resourceGroup === undefined || a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase();
}

/** Reads the facts of every stack; `vnets` are the network facts' VNETs (links and scopes point at them). */
export function readPrivateDnsFacts(stacks: readonly TfStack[], vnets: readonly VnetFact[]): PrivateDnsFacts {
  const r = new TfResolver(stacks);
  const all = stacks.flatMap((s) => s.blocks);
  const of = (type: string) => all.filter((b) => b.mode === 'resource' && b.type === type);
  const zoneOfBlock = (b: TfBlock): ZoneRef | undefined => {
    const name = r.string(b.stack, b.body.name);
    return name === undefined ? undefined : { name, resourceGroup: r.string(b.stack, b.body.resource_group_name) };
  };
  /** The zone a `*_id` value names: a zone resource or data source, or an Azure resource ID. */
  const zoneOfId = (stack: string, value: unknown): ZoneRef | undefined => {
    const ref = r.ref(stack, value);
    if (ref) return ref.block.type === 'azurerm_private_dns_zone' && ref.attr === 'id' ? zoneOfBlock(ref.block) : undefined;
    const m = typeof value === 'string' ? ZONE_ID.exec(value) : null;
    return m ? { name: m[2], resourceGroup: m[1] } : undefined;
  };

  const zones = of('azurerm_private_dns_zone').flatMap((b) => {
    const zone = zoneOfBlock(b);
    return zone ? [{ ...zone, source: src(b) }] : [];
  });
  const links: PrivateZoneLinkFact[] = of('azurerm_private_dns_zone_virtual_network_link').map((b) => ({
    zone: { name: r.string(b.stack, b.body.private_dns_zone_name) ?? '', resourceGroup: r.string(b.stack, b.body.resource_group_name) },
    vnet: vnetFromId(r, b, b.body.virtual_network_id, vnets),
    source: src(b),
  }));
  const roles: RoleAssignmentFact[] = of('azurerm_role_assignment').map((b) => {
    const principal = r.ref(b.stack, b.body.principal_id);
    const scopeRef = r.ref(b.stack, b.body.scope);
    const vnet = scopeRef?.block.type === 'azurerm_virtual_network' && scopeRef.block.mode === 'resource' ? vnetFromId(r, b, b.body.scope, vnets) : undefined;
    return {
      role: r.string(b.stack, b.body.role_definition_name),
      scope: { zone: zoneOfId(b.stack, b.body.scope), vnet, raw: String(b.body.scope) },
      identity: principal?.block.type === 'azurerm_user_assigned_identity' && principal.attr === 'principal_id' ? addressOf(principal.block) : undefined,
      address: addressOf(b),
      source: src(b),
    };
  });
  const clusters: PrivateClusterFact[] = of('azurerm_kubernetes_cluster').map((b) => {
    const identity = list(b.body.identity)[0] as Record<string, unknown> | undefined;
    const identityRef = r.ref(b.stack, list(identity?.identity_ids)[0]);
    const zoneIdRaw = b.body.private_dns_zone_id === undefined ? undefined : String(b.body.private_dns_zone_id);
    return {
      stack: b.stack,
      privateCluster: r.value(b.stack, b.body.private_cluster_enabled) === true,
      zoneIdRaw,
      zone: zoneOfId(b.stack, b.body.private_dns_zone_id),
      identityType: r.string(b.stack, identity?.type),
      identity: identityRef?.block.type === 'azurerm_user_assigned_identity' ? addressOf(identityRef.block) : undefined,
      dependsOn: list(b.body.depends_on).map(String),
      roleAssignments: roles.filter((x) => x.source.file === b.file),
      source: src(b),
    };
  });
  return { zones, links, clusters };
}
