import { BackendConfig, RawCluster, RawWorkloads } from './config';

/**
 * AKS settings applied to every level's cluster (config section `cluster:`). The
 * user documentation of every key is docs/network.md, "Config reference".
 */
export interface ClusterOptions {
  /** Nodes in the system pool. @default 3 (the reference sample) */
  readonly nodeCount: number;
  /**
   * Maximum pods per node (10-250), fixed when the pool is created. With `azure` (pods
   * take node-subnet addresses) it drives the node subnet size check.
   * @default AKS's default for the plugin: 250 for 'azure-overlay', 30 for 'azure', 110 for 'kubenet'
   */
  readonly maxPods: number;
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
  /**
   * How nodes reach the internet. 'userDefinedRouting' needs a route table with a
   * default route to a firewall, which this project does not generate yet: synth refuses it.
   * @default 'loadBalancer'
   */
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
    /**
     * How the top level's Envoy reaches exact names: one LOGICAL_DNS cluster each
     * (`logical-dns`), or the SNI dynamic forward proxy that wildcards use
     * (`dynamic-forward-proxy`: about 20x smaller config, for allow-lists too long for one
     * ConfigMap; the filter chains still list exactly the allowed names, so nothing more
     * is allowed). @default 'logical-dns'
     */
    readonly exactNamesVia: 'logical-dns' | 'dynamic-forward-proxy';
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
    /**
     * Extra zones that still forward upstream in strict mode (for example the private
     * link zones you use, `privatelink.blob.core.windows.net`). Always forwarded:
     * `internal.cloudapp.net`, the reverse zones of every level's address space, and
     * `privatelink.<location>.azmk8s.io` for a private cluster. @default []
     */
    readonly forwardZones: readonly string[];
  };
}

/** Optional Terraform settings (config section `terraform:`). */
export interface TerraformOptions {
  /**
   * azurerm remote state, one blob per stack (`<keyPrefix>/<level>.tfstate`); local
   * state files (`terraform.<level>.tfstate` in the project root) when absent.
   * @default undefined (local state)
   */
  readonly backend?: BackendConfig;
}

/** Azure DNS, reachable from every VNET. */
export const AZURE_DNS_IP = '168.63.129.16';
/**
 * Envoy's official distroless image (runs as non-root, binary at /usr/local/bin/envoy).
 * Pulled from Docker Hub: its hosts are on the default allow-list (purpose
 * "layered-egress images"); mirror it into your own registry to drop them.
 */
export const DEFAULT_ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.39.1';
/**
 * Kubernetes' kube-dns dnsmasq image (distroless, dnsmasq 2.90 at /usr/sbin/dnsmasq; the
 * chart runs dnsmasq directly, not the nanny). dnsmasq 2.86+ is required for `*.` patterns.
 * Pulled from registry.k8s.io (hosts on the default allow-list, purpose "layered-egress images").
 */
export const DEFAULT_DNSMASQ_IMAGE = 'registry.k8s.io/dns/k8s-dns-dnsmasq-nanny:1.26.4';

/** AKS's default maximum pods per node for each network plugin. */
export const DEFAULT_MAX_PODS: Readonly<Record<ClusterOptions['networkPlugin'], number>> = { 'azure-overlay': 250, azure: 30, kubenet: 110 };

export function clusterOptions(raw: RawCluster | undefined): ClusterOptions {
  const networkPlugin = raw?.networkPlugin ?? 'azure-overlay';
  return {
    nodeCount: raw?.nodeCount ?? 3,
    maxPods: raw?.maxPods ?? DEFAULT_MAX_PODS[networkPlugin],
    vmSize: raw?.vmSize ?? 'Standard_B4ms',
    networkPlugin,
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
      exactNamesVia: raw?.envoy?.exactNamesVia ?? 'logical-dns',
    },
    dnsmasq: {
      image: raw?.dnsmasq?.image ?? DEFAULT_DNSMASQ_IMAGE,
      replicas: raw?.dnsmasq?.replicas ?? 2,
      strict: raw?.dnsmasq?.strict ?? false,
      upstreamDns: raw?.dnsmasq?.upstreamDns ?? AZURE_DNS_IP,
      cacheSize: raw?.dnsmasq?.cacheSize ?? 1000,
      forwardZones: [...new Set(raw?.dnsmasq?.forwardZones ?? [])].sort(),
    },
  };
}
