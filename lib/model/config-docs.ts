/**
 * What each key of `infra/egress.yaml` means, for editors (hover text and completion in
 * `schema/egress.schema.json`). Keyed by the key's path: `levels[].name` is the `name`
 * of every item of `levels`. Defaults are not written here: the JSON Schema takes them
 * from the functions that apply them (`options.ts`), so they cannot drift apart.
 * `configJsonSchema` fails for a key without a description and for a description
 * without a key.
 */
export const CONFIG_KEY_DOCS: Readonly<Record<string, string>> = {
  name: "Prefix of every Azure resource name: 2-24 characters of a-z, 0-9 and '-', starting with a letter.",
  location: "Azure region such as 'westeurope'. Also replaces '{region}' in allow-list domains.",
  levels: 'The network levels, the top (internet-facing) level first, then each level below it. At least one.',
  'levels[].name': "Level name, unique: 1-16 characters of a-z, 0-9 and '-'. Names the Terraform stack and the manifests/ folder.",
  'levels[].addressSpace': 'IPv4 CIDR of the level, /8 to /28, written as its network address, overlapping no other level and no reserved range.',
  'levels[].nodeSubnet':
    "The AKS node subnet, inside addressSpace, at most a /29 (Azure's smallest), large enough for nodeCount + 1 upgrade surge. Absent: planned (first quarter of the space, first half below a /22).",
  'levels[].loadBalancerSubnet':
    'The subnet of the Envoy and DNS internal load balancers, inside addressSpace, at most a /29, overlapping no other subnet. Absent: planned (a /24 in the second quarter, smaller below a /22).',
  'levels[].envoyIp':
    "Static IP of the level's Envoy internal load balancer: inside loadBalancerSubnet, not one of Azure's reserved addresses (the first four and the last). Absent: the subnet's .4.",
  'levels[].dnsIp':
    "Static IP of the level's DNS (dnsmasq) internal load balancer: inside loadBalancerSubnet, not reserved, not envoyIp. Absent: the subnet's .5.",
  allowList: 'The internet domains every level may reach. At least one entry.',
  'allowList[].domain':
    "'a.b.com': that name only. '*.b.com' (quoted): every name below b.com, not b.com itself; list both for the apex too. " + "'{region}' becomes location.",
  'allowList[].ports': 'TCP ports this entry may use, 1-65535; 53 is reserved for DNS.',
  'allowList[].purpose': 'Free text shown in reports: why the entry is on the list.',
  'allowList[].tlsInspection':
    "Azure Firewall Premium terminates and inspects this entry's TLS (terminate_tls). Needs firewall.sku Premium and firewall.tls, port 443 only, never an AKS API server (*.azmk8s.io). Envoy never terminates TLS.",
  terraform: 'Terraform settings shared by every stack.',
  'terraform.backend': 'azurerm remote state, one blob per stack (<keyPrefix>/<level>.tfstate). Absent: local state files in the project root.',
  'terraform.backend.resourceGroupName': 'Resource group of the state storage account.',
  'terraform.backend.storageAccountName': 'Storage account holding the state: 3-24 lowercase letters and digits.',
  'terraform.backend.containerName': 'Blob container holding the state.',
  'terraform.backend.keyPrefix': "Folder of the state blobs inside the container. Absent: the config's name.",
  'terraform.backend.subscriptionId': 'Subscription of the storage account. Absent: taken from the environment.',
  'terraform.backend.tenantId': 'Entra ID tenant used for state access. Absent: taken from the environment.',
  'terraform.backend.clientId': 'Client (application) ID used for state access. Absent: taken from the environment.',
  'terraform.backend.useOidc': 'Authenticate with OIDC (GitHub Actions, workload identity federation).',
  'terraform.backend.useMsi': 'Authenticate with a managed identity.',
  'terraform.backend.useAzureadAuth': 'Use Entra ID authentication to the storage account instead of access keys.',
  cluster: "AKS settings for every level's cluster. See docs/network.md.",
  'cluster.nodeCount': 'Nodes in the system pool (1-1000).',
  'cluster.maxPods':
    "Maximum pods per node (10-250), fixed when the pool is created. Default depends on networkPlugin: 250 for 'azure-overlay', 30 for 'azure', 110 for 'kubenet'.",
  'cluster.vmSize': 'VM size of the system pool.',
  'cluster.networkPlugin':
    "Pod networking: 'azure-overlay' (pod IPs outside the VNET), 'azure' (pods take node-subnet addresses) or 'kubenet' (being retired).",
  'cluster.networkPolicy': "NetworkPolicy engine: 'calico', 'azure' or 'cilium'. Without one the generated NetworkPolicies are not enforced.",
  'cluster.privateCluster':
    "Private API server. With several levels it needs a 'firewall:' section: the clusters then register in a custom privatelink.<location>.azmk8s.io zone linked to the firewall's VNET, where every level's DNS ends (docs/firewall.md).",
  'cluster.apiServerAuthorizedIpRanges': 'CIDRs allowed to reach a public API server. Empty: no restriction.',
  'cluster.localAccounts':
    'Keep AKS local accounts (the static cluster-admin kubeconfig). Off: every kubeconfig is an Entra ID login and every right an Azure RBAC role assignment.',
  'cluster.adminGroupObjectIds': 'Entra ID group object IDs made cluster admins (Azure RBAC is always on).',
  'cluster.kubernetesVersion': "Kubernetes version such as '1.33'. Absent: AKS's default version.",
  'cluster.outboundType':
    "How the top level's nodes reach the internet: 'loadBalancer', or 'userDefinedRouting' with a firewall (which sets it). Levels below the top always use 'userDefinedRouting' with no public egress IP.",
  'cluster.serviceCidr': 'Kubernetes Service CIDR; must not overlap any level.',
  'cluster.dnsServiceIp': 'Cluster DNS Service IP, inside serviceCidr and not its first address.',
  'cluster.podCidr': "Pod CIDR for 'azure-overlay' and 'kubenet' (one /24 per node); must not overlap any level.",
  firewall:
    'Azure Firewall as a second, independent enforcement of the allow-list. Absent: no firewall (the top level keeps its own egress). See docs/firewall.md.',
  'firewall.placement':
    "'top': in the top level's VNET, in front of its internet egress. 'hub': in a hub VNET (stack 'hub', deployed first) that every level is peered with and routes 0.0.0.0/0 to; it also carries exactly the child-to-parent hops (needs hub.addressSpace; levels in private ranges, none named 'hub').",
  'firewall.sku': "'Standard' or 'Premium' (IDPS and TLS inspection).",
  'firewall.threatIntel': "Threat intelligence mode: 'Off', 'Alert' or 'Deny' (known-malicious addresses and names).",
  'firewall.idps': "Intrusion detection and prevention, Premium only: 'Off', 'Alert' or 'Deny'. Default 'Alert' with Premium, 'Off' with Standard.",
  'firewall.publicIps':
    "Public IPs of the firewall (1-250). Each gives 2,496 SNAT ports per firewall instance (Azure, 'Scale SNAT ports with Azure NAT Gateway'); see docs/firewall.md.",
  'firewall.tls': 'Premium TLS inspection: the intermediate CA the firewall signs inspected connections with. Required when an entry sets tlsInspection.',
  'firewall.tls.keyVaultSecretId':
    "Key Vault secret URI of the intermediate CA (password-less PFX, RSA 4096, CA=true): https://<vault>.vault.azure.net/secrets/<name>. The firewall policy's identity needs read access to it.",
  hub: "The hub VNET of firewall.placement 'hub'. Required then, refused otherwise.",
  'hub.addressSpace':
    'IPv4 CIDR of the hub VNET (/8 to /26, inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10; the firewall takes its first /26), overlapping no level, cluster range or reserved range.',
  workloads: 'Kubernetes workload settings shared by every level. See docs/workloads.md.',
  'workloads.namespace': 'Namespace of the Envoy and dnsmasq workloads.',
  'workloads.imageRegistryMirror':
    "Registry holding copies of the default images under their upstream paths, for example 'myacr.azurecr.io'. Put its hosts on the allow-list.",
  'workloads.envoy': 'The SNI proxy of every level.',
  'workloads.envoy.image': 'Envoy image, fully qualified and pinned by tag or digest (never :latest).',
  'workloads.envoy.replicas': 'Envoy pods per level (1-100).',
  'workloads.envoy.hostNetwork': "Top level only: run Envoy on the host network with dnsPolicy 'Default', as the reference sample does.",
  'workloads.envoy.upstreamDns': "Resolvers the top level's Envoy uses for upstream names (never the rewriting CoreDNS).",
  'workloads.envoy.resources': 'CPU and memory limit of each Envoy container (the memory request equals the limit).',
  'workloads.envoy.resources.cpu': "CPU limit, for example '1' or '1500m'; whole cores set Envoy's worker threads (--concurrency).",
  'workloads.envoy.resources.memory': "Memory limit, for example '1Gi'; sizes the heap monitor and the largest connection cap.",
  'workloads.envoy.drainSeconds': 'Seconds a terminating Envoy pod keeps serving so a rollout drains instead of cutting.',
  'workloads.envoy.maxConnections': "Global cap on downstream connections per Envoy (overload manager); also the clusters' circuit breaker.",
  'workloads.envoy.exactNamesVia':
    "How the top Envoy reaches exact names: a LOGICAL_DNS cluster each ('logical-dns'), or the SNI dynamic forward proxy " +
    "('dynamic-forward-proxy': smaller config for long lists).",
  'workloads.dnsmasq': 'The DNS server each level runs for the VNET of the level below.',
  'workloads.dnsmasq.image': 'dnsmasq image (2.86 or later), fully qualified and pinned by tag or digest.',
  'workloads.dnsmasq.replicas': 'dnsmasq pods per level (1-100).',
  'workloads.dnsmasq.strict':
    'Answer NXDOMAIN for every name not on the list (Azure-internal, reverse and forwardZones still forward upstream). On by default; false forwards unlisted names.',
  'workloads.dnsmasq.upstreamDns': 'Upstream resolver of dnsmasq.',
  'workloads.dnsmasq.localTtl': 'TTL in seconds of the answers dnsmasq gives from its own records (local-ttl).',
  'workloads.dnsmasq.cacheSize': 'dnsmasq cache-size (0-100000).',
  'workloads.dnsmasq.forwardZones': "Extra zones that still forward upstream in strict mode, for example 'privatelink.blob.core.windows.net'.",
};
