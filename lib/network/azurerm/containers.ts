/** AKS, imported by deep path (see core.ts). */
export { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
export type { KubernetesClusterNetworkProfile } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
