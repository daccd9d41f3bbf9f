import { boolean, integer, list, object, oneOf, optional, required, string, refine, Field } from './schema';
import { parseCidr, parseIpv4 } from './ipv4';

/**
 * The config file contract (`infra/egress.yaml`). Everything here is what the user may
 * write; defaults are applied in `options.ts`, semantic checks (domains, overlaps) in
 * `load.ts`. Unknown keys anywhere are errors.
 */

/** Azure resource-name prefix: lowercase letters, digits and '-', 2-24 characters, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
/** Azure region name as the APIs spell it (`westeurope`, `eastus2`). */
export const LOCATION_PATTERN = /^[a-z][a-z0-9]{1,39}$/;
/** Level name: a DNS label usable as a folder, a stack and an Azure name part (1-16 characters). */
export const LEVEL_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/;
/** Port reserved for the DNS service of each level: never an allow-list port. */
export const DNS_PORT = 53;
/** Most levels: ISA-95 has five; each level is a peered VNET, an AKS cluster and a proxy hop. */
export const MAX_LEVELS = 16;
/** Most allow-list entries: past about 11,600 the generated ConfigMaps exceed Kubernetes' 1 MiB anyway (README, Performance). */
export const MAX_ALLOW_ENTRIES = 20_000;
/** Most ports one entry may list. */
export const MAX_PORTS_PER_ENTRY = 16;
/** Most distinct ports over the whole list: each is an Envoy listener, a Service port and a container port on every level. */
export const MAX_DISTINCT_PORTS = 64;

const cidrField: Field<string> = refine(string(), (v) => {
  const parsed = parseCidr(v);
  return parsed.ok ? undefined : parsed.rule;
});
const ipField: Field<string> = refine(string(), (v) => (parseIpv4(v) === undefined ? 'must be an IPv4 address such as 168.63.129.16' : undefined));
const imageField: Field<string> = refine(string(), (v) =>
  /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[A-Za-z0-9._-]+)?(?:@sha256:[a-f0-9]{64})?$/.test(v) && /[:@]/.test(v.split('/').pop() ?? '')
    ? v.endsWith(':latest')
      ? 'must be pinned to a version or digest, not :latest'
      : undefined
    : 'must be a fully qualified image reference pinned by tag or digest (registry/repository:tag)',
);

const portField = integer(1, 65535, 'must be a whole number from 1 to 65535');

export const allowEntrySchema = object({
  domain: required(string(), "the host name to allow, for example 'mcr.microsoft.com' or '*.blob.core.windows.net'"),
  ports: optional(list(portField, 1, 'port', MAX_PORTS_PER_ENTRY, 'each port is an Envoy listener on every level; list the ports the service really uses')),
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  purpose: optional(string(/^[^\u0000-\u001f\u007f]{1,200}$/, 'must be 1-200 characters without control characters')),
  tlsInspection: optional(boolean()),
});

/** The config's `name`. */
export const nameField = string(NAME_PATTERN, "must be 2-24 characters of a-z, 0-9 and '-', starting with a letter (it prefixes Azure resource names)");
/** The config's `location`. */
export const locationField = string(LOCATION_PATTERN, "must be an Azure region name such as 'westeurope' (lowercase letters and digits)");

export const levelSchema = object({
  name: required(string(LEVEL_NAME_PATTERN, "must be 1-16 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'")),
  addressSpace: required(cidrField, 'the IPv4 CIDR of this level, for example 172.16.0.0/16'),
  nodeSubnet: optional(cidrField),
  loadBalancerSubnet: optional(cidrField),
  envoyIp: optional(ipField),
  dnsIp: optional(ipField),
});

export const backendSchema = object({
  resourceGroupName: required(string(/^[-\w._()]{1,90}$/, 'must be a valid Azure resource group name')),
  storageAccountName: required(string(/^[a-z0-9]{3,24}$/, 'must be 3-24 lowercase letters and digits')),
  containerName: required(string(/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, 'must be a valid blob container name')),
  keyPrefix: optional(string(/^[A-Za-z0-9._/-]{1,200}$/, 'must be 1-200 characters of letters, digits, . _ / -')),
  subscriptionId: optional(string(/^[0-9a-f-]{36}$/i, 'must be a GUID')),
  tenantId: optional(string(/^[0-9a-f-]{36}$/i, 'must be a GUID')),
  clientId: optional(string(/^[0-9a-f-]{36}$/i, 'must be a GUID')),
  useOidc: optional(boolean()),
  useMsi: optional(boolean()),
  useAzureadAuth: optional(boolean()),
});

export const clusterSchema = object({
  nodeCount: optional(integer(1, 1000)),
  maxPods: optional(integer(10, 250, 'must be a whole number from 10 to 250 (AKS limits)')),
  vmSize: optional(string(/^[A-Za-z0-9_]{3,64}$/, 'must be an Azure VM size such as Standard_D4ds_v5')),
  networkPlugin: optional(oneOf(['azure', 'kubenet', 'azure-overlay'] as const)),
  networkPolicy: optional(oneOf(['azure', 'calico', 'cilium'] as const)),
  privateCluster: optional(boolean()),
  apiServerAuthorizedIpRanges: optional(list(cidrField)),
  localAccounts: optional(boolean()),
  adminGroupObjectIds: optional(
    list(string(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an Entra ID group object ID (a GUID)')),
  ),
  kubernetesVersion: optional(string(/^\d+\.\d+(?:\.\d+)?$/, 'must be a Kubernetes version such as 1.33 or 1.33.2')),
  outboundType: optional(oneOf(['loadBalancer', 'userDefinedRouting'] as const)),
  serviceCidr: optional(cidrField),
  dnsServiceIp: optional(ipField),
  podCidr: optional(cidrField),
});

export const workloadsSchema = object({
  namespace: optional(string(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name (DNS label)')),
  imageRegistryMirror: optional(
    string(
      /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?$/,
      'must be a registry host name such as myacr.azurecr.io (no scheme, no path)',
    ),
  ),
  envoy: optional(
    object({
      image: optional(imageField),
      replicas: optional(integer(1, 100)),
      hostNetwork: optional(boolean()),
      upstreamDns: optional(list(ipField, 1, 'resolver')),
      resources: optional(
        object({
          cpu: optional(string(/^(?:[1-9]\d{0,2}|[1-9]\d{0,5}m)$/, "must be whole cores ('1', '2') or millicores ('1500m')")),
          memory: optional(string(/^[1-9]\d{0,5}(?:Mi|Gi)$/, "must be a memory size in Mi or Gi ('512Mi', '1Gi')")),
        }),
      ),
      maxConnections: optional(integer(1, 1_000_000)),
      drainSeconds: optional(integer(0, 600)),
      exactNamesVia: optional(oneOf(['logical-dns', 'dynamic-forward-proxy'] as const)),
    }),
  ),
  dnsmasq: optional(
    object({
      image: optional(imageField),
      replicas: optional(integer(1, 100)),
      strict: optional(boolean()),
      upstreamDns: optional(ipField),
      cacheSize: optional(integer(0, 100_000)),
      localTtl: optional(integer(0, 86_400)),
      forwardZones: optional(
        list(
          string(
            /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
            'must be a lowercase DNS zone such as privatelink.blob.core.windows.net',
          ),
        ),
      ),
    }),
  ),
});

/**
 * A Key Vault secret URI as Azure Firewall Premium reads its intermediate CA from:
 * `https://<vault>.vault.azure.net/secrets/<name>` with an optional version. Vault names
 * are 3-24 letters, digits and '-' (starting with a letter, no '--'); secret names 1-127
 * letters, digits and '-'; versions 32 hex digits ("About keys, secrets and certificates").
 */
export const KEY_VAULT_SECRET_ID_PATTERN =
  /^https:\/\/(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[a-zA-Z0-9-]{1,127}(?:\/[0-9a-fA-F]{32})?\/?$/;

export const firewallSchema = object({
  placement: required(oneOf(['top', 'hub'] as const), "'top' (in the top level's VNET) or 'hub' (a hub VNET every level is peered with)"),
  sku: optional(oneOf(['Standard', 'Premium'] as const)),
  threatIntel: optional(oneOf(['Off', 'Alert', 'Deny'] as const)),
  idps: optional(oneOf(['Off', 'Alert', 'Deny'] as const)),
  publicIps: optional(integer(1, 250, 'must be a whole number from 1 to 250 (Azure Firewall public IP limit)')),
  tls: optional(
    object({
      keyVaultSecretId: required(
        string(
          KEY_VAULT_SECRET_ID_PATTERN,
          'must be a Key Vault secret URI: https://<vault>.vault.azure.net/secrets/<name> (optionally /<32-hex-digit version>)',
        ),
        'the Key Vault secret holding the intermediate CA (password-less PFX)',
      ),
    }),
  ),
});

export const hubSchema = object({
  addressSpace: required(cidrField, 'the IPv4 CIDR of the hub VNET, for example 10.0.0.0/22'),
});

/** The whole config file. */
export const configSchema = object({
  name: required(nameField),
  location: required(locationField),
  levels: required(
    list(levelSchema, 1, 'level', MAX_LEVELS, 'each level is a peered VNET, an AKS cluster and one more proxy hop'),
    'list the network levels, top (internet-facing) first',
  ),
  allowList: required(
    list(allowEntrySchema, 1, 'entry', MAX_ALLOW_ENTRIES, 'far past the size whose generated ConfigMaps fit in 1 MiB'),
    'list the domains the levels may reach',
  ),
  terraform: optional(object({ backend: optional(backendSchema) })),
  cluster: optional(clusterSchema),
  workloads: optional(workloadsSchema),
  firewall: optional(firewallSchema),
  hub: optional(hubSchema),
});

type FieldValue<F> = F extends Field<infer T> ? T : never;
/** The config file as parsed, before defaults and semantic checks. */
export type RawConfig = FieldValue<typeof configSchema>;
export type RawAllowEntry = FieldValue<typeof allowEntrySchema>;
export type RawLevel = FieldValue<typeof levelSchema>;
export type RawCluster = FieldValue<typeof clusterSchema>;
export type RawWorkloads = FieldValue<typeof workloadsSchema>;
export type RawFirewall = FieldValue<typeof firewallSchema>;
export type RawHub = FieldValue<typeof hubSchema>;
/** The `terraform.backend` section: azurerm remote state for every level (docs/network.md). */
export type BackendConfig = FieldValue<typeof backendSchema>;
