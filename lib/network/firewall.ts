import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { FirewallModel } from '../model/firewall';
import type { FirewallApplicationRule, FirewallNetworkRule, FirewallRuleCollectionGroup } from '../render/firewall-rules';
import {
  Firewall,
  FirewallPolicy,
  FirewallPolicyRuleCollectionGroup,
  FirewallPolicyRuleCollectionGroupApplicationRuleCollection,
  FirewallPolicyRuleCollectionGroupNetworkRuleCollection,
  DataAzurermResources,
  IpGroup,
  PublicIp,
} from './azurerm/firewall';
import { RoleAssignment, UserAssignedIdentity } from './azurerm/identity';
import { Subnet } from './azurerm/network';
import { FirewallNames } from '../model/azure-names';

/** Name of the TLS inspection certificate inside the firewall policy. */
export const TLS_INSPECTION_CERTIFICATE_NAME = 'egress-intermediate-ca';
/** Built-in role that reads secret contents in a Key Vault using the Azure RBAC permission model. */
export const KEY_VAULT_SECRETS_USER = 'Key Vault Secrets User';

/** The vault name of a Key Vault secret URI (`https://<vault>.vault.azure.net/secrets/...`). */
export function keyVaultName(secretId: string): string {
  return new URL(secretId).hostname.split('.')[0];
}

/** Props of {@link EgressFirewall}. */
export interface EgressFirewallProps {
  readonly names: FirewallNames;
  readonly location: string;
  readonly resourceGroupName: string;
  /** The VNET that gets `AzureFirewallSubnet`. */
  readonly virtualNetworkName: string;
  /** Created before the subnet (the VNET). */
  readonly dependsOn?: readonly ITerraformDependable[];
  readonly firewall: FirewallModel;
  /** IP groups by key (a level name): the CIDRs of that level's node subnet. */
  readonly ipGroups: Readonly<Record<string, readonly string[]>>;
  /** The rendered rules (`renderFirewallRules`); their IP group keys are keys of `ipGroups`. */
  readonly rules: readonly FirewallRuleCollectionGroup[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An Azure Firewall and what it needs: `AzureFirewallSubnet` (planned, at least /26), its
 * public IPs (Standard, static), a firewall policy (sku, threat intelligence, IDPS on
 * Premium, DNS proxy on so FQDN network rules and the clients resolve alike, TLS
 * inspection with a user-assigned identity and the Key Vault CA when configured), IP
 * groups of the levels' node subnets, and the rule collection groups rendered from the
 * allow-list, written one after another (Azure updates one group of a policy at a time).
 */
export class EgressFirewall extends Construct {
  public readonly subnet: Subnet;
  public readonly publicIps: PublicIp[];
  public readonly policy: FirewallPolicy;
  /** Reads the TLS inspection CA from Key Vault; only with `firewall.tls`. */
  public readonly policyIdentity?: UserAssignedIdentity;
  /** 'Key Vault Secrets User' for that identity on the vault, granted before the policy reads the CA; only with `firewall.tls`. */
  public readonly keyVaultAccess?: RoleAssignment;
  public readonly ipGroups: Record<string, IpGroup>;
  public readonly ruleCollectionGroups: FirewallPolicyRuleCollectionGroup[];
  public readonly firewall: Firewall;

  constructor(scope: Construct, id: string, props: EgressFirewallProps) {
    super(scope, id);
    const { names, firewall: options } = props;
    const tags = props.tags ? { ...props.tags } : undefined;
    const located = { location: props.location, resourceGroupName: props.resourceGroupName };

    this.subnet = new Subnet(this, 'subnet', {
      name: options.addresses.subnet.name,
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: props.virtualNetworkName,
      addressPrefixes: [options.addresses.subnet.cidr],
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.publicIps = Array.from(
      { length: options.publicIps },
      (_, i) => new PublicIp(this, `public-ip-${i + 1}`, { name: names.publicIp(i + 1), ...located, sku: 'Standard', allocationMethod: 'Static', tags }),
    );

    if (options.tls) {
      this.policyIdentity = new UserAssignedIdentity(this, 'policy-identity', { name: names.policyIdentity, ...located, tags });
      // The vault is found by name (its resource group is not in the secret URI); the
      // policy's creation reads the CA, so the grant must exist first.
      const vault = new DataAzurermResources(this, 'key-vault', { type: 'Microsoft.KeyVault/vaults', name: keyVaultName(options.tls.keyVaultSecretId) });
      this.keyVaultAccess = new RoleAssignment(this, 'key-vault-secrets-user', {
        scope: vault.resources.get(0).id,
        roleDefinitionName: KEY_VAULT_SECRETS_USER,
        principalId: this.policyIdentity.principalId,
        principalType: 'ServicePrincipal',
        skipServicePrincipalAadCheck: true,
      });
    }
    this.policy = new FirewallPolicy(this, 'policy', {
      name: names.policy,
      ...located,
      sku: options.sku,
      threatIntelligenceMode: options.threatIntel,
      dns: { proxyEnabled: true },
      intrusionDetection: options.sku === 'Premium' ? { mode: options.idps } : undefined,
      identity: this.policyIdentity ? { type: 'UserAssigned', identityIds: [this.policyIdentity.id] } : undefined,
      tlsCertificate: options.tls ? { name: TLS_INSPECTION_CERTIFICATE_NAME, keyVaultSecretId: options.tls.keyVaultSecretId } : undefined,
      tags,
      dependsOn: this.keyVaultAccess ? [this.keyVaultAccess] : undefined,
    });

    this.ipGroups = {};
    for (const key of Object.keys(props.ipGroups).sort()) {
      this.ipGroups[key] = new IpGroup(this, `ip-group-${key}`, { name: names.ipGroup(key), ...located, cidrs: [...props.ipGroups[key]], tags });
    }
    const groupIds = (keys: readonly string[]) => {
      const ids = keys.map((key) => {
        const group = this.ipGroups[key];
        if (!group) throw new Error(`firewall rule names IP group '${key}', which does not exist`);
        return group.id;
      });
      return ids.length > 0 ? ids : undefined;
    };
    const nonEmpty = (list: readonly string[]) => (list.length > 0 ? [...list] : undefined);

    this.ruleCollectionGroups = [];
    let previous: FirewallPolicyRuleCollectionGroup | undefined;
    for (const group of props.rules) {
      const applicationRuleCollection: FirewallPolicyRuleCollectionGroupApplicationRuleCollection[] = group.applicationRuleCollections.map((c) => ({
        name: c.name,
        priority: c.priority,
        action: c.action,
        rule: c.rules.map((r: FirewallApplicationRule) => ({
          name: r.name,
          description: r.description,
          sourceIpGroups: groupIds(r.sourceIpGroups),
          sourceAddresses: nonEmpty(r.sourceAddresses),
          protocols: r.protocols.map((p) => ({ type: p.type, port: p.port })),
          destinationFqdns: [...r.destinationFqdns],
          terminateTls: r.terminateTls ? true : undefined,
        })),
      }));
      const networkRuleCollection: FirewallPolicyRuleCollectionGroupNetworkRuleCollection[] = group.networkRuleCollections.map((c) => ({
        name: c.name,
        priority: c.priority,
        action: c.action,
        rule: c.rules.map((r: FirewallNetworkRule) => ({
          name: r.name,
          description: r.description,
          protocols: [...r.protocols],
          sourceIpGroups: groupIds(r.sourceIpGroups),
          destinationFqdns: nonEmpty(r.destinationFqdns),
          destinationAddresses: nonEmpty(r.destinationAddresses),
          destinationPorts: [...r.destinationPorts],
        })),
      }));
      const created: FirewallPolicyRuleCollectionGroup = new FirewallPolicyRuleCollectionGroup(this, `rules-${group.name}`, {
        name: group.name,
        priority: group.priority,
        firewallPolicyId: this.policy.id,
        applicationRuleCollection: applicationRuleCollection.length > 0 ? applicationRuleCollection : undefined,
        networkRuleCollection: networkRuleCollection.length > 0 ? networkRuleCollection : undefined,
        dependsOn: previous ? [previous] : undefined,
      });
      this.ruleCollectionGroups.push(created);
      previous = created;
    }

    this.firewall = new Firewall(this, 'firewall', {
      name: names.firewall,
      ...located,
      skuName: 'AZFW_VNet',
      skuTier: options.sku,
      firewallPolicyId: this.policy.id,
      ipConfiguration: this.publicIps.map((ip, i) => ({
        name: `ipconfig-${i + 1}`,
        publicIpAddressId: ip.id,
        // The subnet is attached once, on the first configuration; the others only add public IPs.
        subnetId: i === 0 ? this.subnet.id : undefined,
      })),
      tags,
    });
  }
}
