import { BackendConfig, RawCluster, RawWorkloads } from './config';
import { AZURE_DNS_IP } from './azure-facts';
import { envoyMaxConnectionsFor } from './envoy-sizing';

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
  /**
   * VM size of the system pool. AKS does not support B-series (burstable) sizes for system
   * pools and needs at least 2 vCPUs and 4 GiB ("Manage system node pools"): synth refuses
   * `Standard_B*`. @default DEFAULT_VM_SIZE ('Standard_D4ds_v5')
   */
  readonly vmSize: string;
  /** Pod networking. @default 'azure-overlay' (pod IPs outside the VNET; kubenet is being retired) */
  readonly networkPlugin: 'azure' | 'kubenet' | 'azure-overlay';
  /** NetworkPolicy engine; without one the generated NetworkPolicies are not enforced. @default 'calico' */
  readonly networkPolicy: 'azure' | 'calico' | 'cilium';
  /**
   * Private API server. Top level only: a lower level resolves through its parent's DNS,
   * where the private cluster's zone is not linked, so synth refuses it with several levels.
   * @default false
   */
  readonly privateCluster: boolean;
  /**
   * CIDRs allowed to reach a public API server. Below the top, nodes reach their API
   * server through the top level's egress IP, which must then be in the list.
   * @default [] (no restriction)
   */
  readonly apiServerAuthorizedIpRanges: readonly string[];
  /**
   * Keep AKS local accounts (the static cluster-admin kubeconfig of `az aks
   * get-credentials --admin`). Off: every kubeconfig is an Entra ID login and every right
   * an Azure RBAC role assignment. @default false
   */
  readonly localAccounts: boolean;
  /**
   * Entra ID groups made cluster admins (object IDs). With Azure RBAC (always on) you can
   * instead assign 'Azure Kubernetes Service RBAC Cluster Admin' on the cluster. @default []
   */
  readonly adminGroupObjectIds: readonly string[];
  /** Kubernetes version. @default undefined (AKS's default version) */
  readonly kubernetesVersion?: string;
  /**
   * How the TOP level's nodes reach the internet. 'userDefinedRouting' needs a default
   * route to a firewall: it is what a `firewall` block gives the top level (and synth
   * refuses it without one). Levels below the top always use 'userDefinedRouting' with a
   * generated route table and get no public egress IP.
   * @default 'loadBalancer' ('userDefinedRouting' with a firewall)
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
  /**
   * Registry host holding copies of the default images under their original repository
   * paths (what `az acr import` writes by default), for example `myacr.azurecr.io`: the
   * default images become `<mirror>/envoyproxy/envoy:...` and `<mirror>/dns/...`. Put the
   * mirror's hosts on the allow-list instead of Docker Hub's and registry.k8s.io's.
   * An explicit `envoy.image` or `dnsmasq.image` wins. @default undefined (no mirror)
   */
  readonly imageRegistryMirror?: string;
  /** The Envoy SNI proxy of every level (`workloads.envoy`). */
  readonly envoy: {
    /** Envoy image, pinned. @default DEFAULT_ENVOY_IMAGE (or its copy in imageRegistryMirror) */
    readonly image: string;
    /** @default 2 */
    readonly replicas: number;
    /** Top level only: reproduce the sample's host network + `dnsPolicy: Default`. @default false */
    readonly hostNetwork: boolean;
    /** Resolvers the top level's Envoy uses for upstream names (never the rewriting CoreDNS). @default ['168.63.129.16'] (Azure DNS) */
    readonly upstreamDns: readonly string[];
    /**
     * CPU and memory limit of each Envoy container (the memory request equals the limit).
     * The CPU limit sets Envoy's worker threads (`--concurrency`, whole cores, at least
     * 1); the memory limit sizes the overload manager's heap monitor and the largest
     * connection cap. @default { cpu: '1', memory: '1Gi' }
     */
    readonly resources: ContainerResources;
    /**
     * Global downstream connection cap (overload manager); also the circuit breakers.
     * Must fit the memory limit: every connection may hold two full buffers.
     * @default the largest cap the memory limit holds (see `envoyMaxConnectionsFor`)
     */
    readonly maxConnections: number;
    /**
     * Seconds a terminating Envoy pod keeps serving before it is stopped: long enough for
     * the load balancer probe to take the node out, so a rollout drains instead of
     * cutting. @default 20
     */
    readonly drainSeconds: number;
    /**
     * How the top level's Envoy reaches exact names: one LOGICAL_DNS cluster each
     * (`logical-dns`), or the SNI dynamic forward proxy that wildcards use
     * (`dynamic-forward-proxy`: about 20x smaller config, for allow-lists too long for one
     * ConfigMap; the filter chains still list exactly the allowed names, so nothing more
     * is allowed). @default 'logical-dns'
     */
    readonly exactNamesVia: 'logical-dns' | 'dynamic-forward-proxy';
  };
  /** The dnsmasq of every level with a level below (`workloads.dnsmasq`). */
  readonly dnsmasq: {
    /** dnsmasq image, pinned. @default DEFAULT_DNSMASQ_IMAGE (or its copy in imageRegistryMirror) */
    readonly image: string;
    /** @default 2 */
    readonly replicas: number;
    /**
     * NXDOMAIN for names not on the list; only the forwarded zones (`forwardZones` and the
     * Azure-internal ones) still go upstream. `false` forwards every unlisted name, so a
     * lower level can resolve (and tunnel data through) any name. @default true
     */
    readonly strict: boolean;
    /**
     * Upstream resolver of the TOP level's dnsmasq. A lower level's dnsmasq forwards to
     * its parent's DNS IP instead, so no level below the top talks to Azure DNS.
     * @default '168.63.129.16' (Azure DNS)
     */
    readonly upstreamDns: string;
    /** TTL in seconds of the answers dnsmasq gives from its own records (`local-ttl`). @default 60 */
    readonly localTtl: number;
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

/** CPU and memory limit of a container, as Kubernetes quantities. */
export interface ContainerResources {
  /** Whole cores (`'1'`, `'2'`) or millicores (`'1500m'`). */
  readonly cpu: string;
  /** `Mi` or `Gi` (`'512Mi'`, `'1Gi'`). */
  readonly memory: string;
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

/**
 * Default system pool size: general purpose with local temp disk, 4 vCPUs and 16 GiB,
 * well above AKS's system pool minimum of 2 vCPUs and 4 GiB, and not B-series.
 */
export const DEFAULT_VM_SIZE = 'Standard_D4ds_v5';
/** Default Envoy container limits. */
export const DEFAULT_ENVOY_RESOURCES: ContainerResources = { cpu: '1', memory: '1Gi' };

/** AKS's default maximum pods per node for each network plugin. */
export const DEFAULT_MAX_PODS: Readonly<Record<ClusterOptions['networkPlugin'], number>> = { 'azure-overlay': 250, azure: 30, kubenet: 110 };

export function clusterOptions(raw: RawCluster | undefined): ClusterOptions {
  const networkPlugin = raw?.networkPlugin ?? 'azure-overlay';
  return {
    nodeCount: raw?.nodeCount ?? 3,
    maxPods: raw?.maxPods ?? DEFAULT_MAX_PODS[networkPlugin],
    vmSize: raw?.vmSize ?? DEFAULT_VM_SIZE,
    networkPlugin,
    networkPolicy: raw?.networkPolicy ?? 'calico',
    privateCluster: raw?.privateCluster ?? false,
    apiServerAuthorizedIpRanges: [...(raw?.apiServerAuthorizedIpRanges ?? [])].sort(),
    localAccounts: raw?.localAccounts ?? false,
    adminGroupObjectIds: [...new Set((raw?.adminGroupObjectIds ?? []).map((id) => id.toLowerCase()))].sort(),
    kubernetesVersion: raw?.kubernetesVersion,
    outboundType: raw?.outboundType ?? 'loadBalancer',
    serviceCidr: raw?.serviceCidr ?? '10.0.0.0/16',
    dnsServiceIp: raw?.dnsServiceIp ?? '10.0.0.10',
    podCidr: raw?.podCidr ?? '10.244.0.0/16',
  };
}

/**
 * The copy of a default image in a mirror registry, under the same repository path
 * (`docker.io/envoyproxy/envoy:v` -> `<mirror>/envoyproxy/envoy:v`).
 */
export function mirroredImage(image: string, mirror: string): string {
  return `${mirror}/${image.slice(image.indexOf('/') + 1)}`;
}

export function workloadOptions(raw: RawWorkloads | undefined): WorkloadOptions {
  const mirror = raw?.imageRegistryMirror;
  const byDefault = (image: string) => (mirror ? mirroredImage(image, mirror) : image);
  const envoyResources = { ...DEFAULT_ENVOY_RESOURCES, ...raw?.envoy?.resources };
  return {
    namespace: raw?.namespace ?? 'egress',
    imageRegistryMirror: mirror,
    envoy: {
      image: raw?.envoy?.image ?? byDefault(DEFAULT_ENVOY_IMAGE),
      replicas: raw?.envoy?.replicas ?? 2,
      hostNetwork: raw?.envoy?.hostNetwork ?? false,
      upstreamDns: raw?.envoy?.upstreamDns ?? [AZURE_DNS_IP],
      resources: envoyResources,
      maxConnections: raw?.envoy?.maxConnections ?? envoyMaxConnectionsFor(envoyResources.memory),
      drainSeconds: raw?.envoy?.drainSeconds ?? 20,
      exactNamesVia: raw?.envoy?.exactNamesVia ?? 'logical-dns',
    },
    dnsmasq: {
      image: raw?.dnsmasq?.image ?? byDefault(DEFAULT_DNSMASQ_IMAGE),
      replicas: raw?.dnsmasq?.replicas ?? 2,
      strict: raw?.dnsmasq?.strict ?? true,
      upstreamDns: raw?.dnsmasq?.upstreamDns ?? AZURE_DNS_IP,
      localTtl: raw?.dnsmasq?.localTtl ?? 60,
      cacheSize: raw?.dnsmasq?.cacheSize ?? 1000,
      forwardZones: [...new Set(raw?.dnsmasq?.forwardZones ?? [])].sort(),
    },
  };
}
