import { BackendConfig, RawCluster, RawWorkloads } from './config';

/** AKS settings applied to every level's cluster. */
export interface ClusterOptions {
  /** Nodes in the system pool. @default 3 (the reference sample) */
  readonly nodeCount: number;
  /** VM size of the system pool. @default 'Standard_B4ms' */
  readonly vmSize: string;
  /** Pod networking. @default 'azure-overlay' (pod IPs outside the VNET; kubenet is being retired) */
  readonly networkPlugin: 'azure' | 'kubenet' | 'azure-overlay';
  /** NetworkPolicy engine; without one the generated NetworkPolicies are not enforced. @default 'calico' */
  readonly networkPolicy: 'azure' | 'calico' | 'cilium';
  /** Private API server. @default false */
  readonly privateCluster: boolean;
  /** CIDRs allowed to reach a public API server. @default [] (no restriction) */
  readonly apiServerAuthorizedIpRanges: readonly string[];
  /** Kubernetes version. @default undefined (AKS's default version) */
  readonly kubernetesVersion?: string;
  /** How nodes reach the internet. @default 'loadBalancer' */
  readonly outboundType: 'loadBalancer' | 'userDefinedRouting';
  /** Service CIDR; must not overlap any level. @default '10.0.0.0/16' */
  readonly serviceCidr: string;
  /** Cluster DNS service IP, inside serviceCidr. @default '10.0.0.10' */
  readonly dnsServiceIp: string;
  /** Pod CIDR for overlay and kubenet; must not overlap any level. @default '10.244.0.0/16' */
  readonly podCidr: string;
}

/** Kubernetes workload settings shared by every level. */
export interface WorkloadOptions {
  /** Namespace of the egress components. @default 'egress' */
  readonly namespace: string;
  readonly envoy: {
    /** Envoy image, pinned. @default DEFAULT_ENVOY_IMAGE */
    readonly image: string;
    /** @default 2 */
    readonly replicas: number;
    /** Top level only: reproduce the sample's host network + `dnsPolicy: Default`. @default false */
    readonly hostNetwork: boolean;
    /** Resolvers the top level's Envoy uses for upstream names (never the rewriting CoreDNS). @default ['168.63.129.16'] (Azure DNS) */
    readonly upstreamDns: readonly string[];
    /** Global downstream connection cap (overload manager). @default 50000 */
    readonly maxConnections: number;
  };
  readonly dnsmasq: {
    /** dnsmasq image, pinned. @default DEFAULT_DNSMASQ_IMAGE */
    readonly image: string;
    /** @default 2 */
    readonly replicas: number;
    /** NXDOMAIN for names not on the list (Azure-internal zones still forward). @default false */
    readonly strict: boolean;
    /** Upstream resolver. @default '168.63.129.16' (Azure DNS) */
    readonly upstreamDns: string;
    /** dnsmasq cache-size. @default 1000 */
    readonly cacheSize: number;
  };
}

/** Optional Terraform settings. */
export interface TerraformOptions {
  /** azurerm remote state; local state files when absent. @default undefined */
  readonly backend?: BackendConfig;
}

/** Azure DNS, reachable from every VNET. */
export const AZURE_DNS_IP = '168.63.129.16';
export const DEFAULT_ENVOY_IMAGE = 'mcr.microsoft.com/oss/v2/envoyproxy/envoy:v1.34.1';
export const DEFAULT_DNSMASQ_IMAGE = 'mcr.microsoft.com/oss/kubernetes/k8s-dns-dnsmasq-nanny:1.22.20';

export function clusterOptions(raw: RawCluster | undefined): ClusterOptions {
  return {
    nodeCount: raw?.nodeCount ?? 3,
    vmSize: raw?.vmSize ?? 'Standard_B4ms',
    networkPlugin: raw?.networkPlugin ?? 'azure-overlay',
    networkPolicy: raw?.networkPolicy ?? 'calico',
    privateCluster: raw?.privateCluster ?? false,
    apiServerAuthorizedIpRanges: [...(raw?.apiServerAuthorizedIpRanges ?? [])].sort(),
    kubernetesVersion: raw?.kubernetesVersion,
    outboundType: raw?.outboundType ?? 'loadBalancer',
    serviceCidr: raw?.serviceCidr ?? '10.0.0.0/16',
    dnsServiceIp: raw?.dnsServiceIp ?? '10.0.0.10',
    podCidr: raw?.podCidr ?? '10.244.0.0/16',
  };
}

export function workloadOptions(raw: RawWorkloads | undefined): WorkloadOptions {
  return {
    namespace: raw?.namespace ?? 'egress',
    envoy: {
      image: raw?.envoy?.image ?? DEFAULT_ENVOY_IMAGE,
      replicas: raw?.envoy?.replicas ?? 2,
      hostNetwork: raw?.envoy?.hostNetwork ?? false,
      upstreamDns: raw?.envoy?.upstreamDns ?? [AZURE_DNS_IP],
      maxConnections: raw?.envoy?.maxConnections ?? 50000,
    },
    dnsmasq: {
      image: raw?.dnsmasq?.image ?? DEFAULT_DNSMASQ_IMAGE,
      replicas: raw?.dnsmasq?.replicas ?? 2,
      strict: raw?.dnsmasq?.strict ?? false,
      upstreamDns: raw?.dnsmasq?.upstreamDns ?? AZURE_DNS_IP,
      cacheSize: raw?.dnsmasq?.cacheSize ?? 1000,
    },
  };
}
