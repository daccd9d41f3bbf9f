/**
 * Checks of options that are valid on their own but would not deploy, or would deploy
 * unsafely, on Azure: a system pool size AKS refuses, a private API server below the top
 * level without a firewall, an Envoy connection cap its memory cannot hold. Each problem names the config
 * key to change; `parseConfig` reports them with every other problem at once.
 */
import type { ClusterOptions, WorkloadOptions } from './options';
import { cpuMillis, ENVOY_BYTES_PER_CONNECTION, ENVOY_MIN_MEMORY_BYTES, envoyMaxConnectionsFor, memoryBytes } from './envoy-sizing';

/** One problem: the config path (as segments) and the rule. */
export interface DeploymentProblem {
  readonly path: readonly (string | number)[];
  readonly rule: string;
  readonly value: unknown;
}

/** Oldest Kubernetes with the preStop `sleep` action on by default. */
export const MIN_KUBERNETES: readonly [number, number] = [1, 30];

/** B-series (burstable) sizes: `Standard_B4ms`, `Standard_B2s_v2`. */
const BURSTABLE = /^standard_b\d/i;

/**
 * Every problem, in config order; empty when the options can deploy. A derived default connection cap always fits.
 * @param firewall the config has a `firewall:` section (either placement): every level's DNS then ends at its
 *   DNS proxy, whose VNET the private cluster zone is linked to, so `privateCluster` works at every level
 */
export function deploymentProblems(cluster: ClusterOptions, workloads: WorkloadOptions, levelCount: number, firewall = false): DeploymentProblem[] {
  const problems: DeploymentProblem[] = [];
  if (BURSTABLE.test(cluster.vmSize)) {
    problems.push({
      path: ['cluster', 'vmSize'],
      value: cluster.vmSize,
      rule: "AKS does not support B-series (burstable) VMs for system node pools (AKS docs, 'Manage system node pools'): use a general purpose size such as Standard_D4ds_v5",
    });
  }
  if (cluster.privateCluster && levelCount > 1 && !firewall) {
    problems.push({
      path: ['cluster', 'privateCluster'],
      value: true,
      rule:
        "a private API server cannot provision below the top level: its name lives in a private DNS zone AKS links to the cluster's own VNET, " +
        "but a lower level resolves through its parent's dnsmasq, which forwards to the VNET where Azure DNS does not see that zone. " +
        'Remove privateCluster (the lower levels reach their public API server through the proxy chain; restrict it with apiServerAuthorizedIpRanges), use a single level, ' +
        "or add a 'firewall:' section (its DNS proxy's VNET is linked to the cluster zone, so every level resolves it)",
    });
  }
  const version = /^(\d+)\.(\d+)/.exec(cluster.kubernetesVersion ?? '');
  if (version && (Number(version[1]) < MIN_KUBERNETES[0] || (Number(version[1]) === MIN_KUBERNETES[0] && Number(version[2]) < MIN_KUBERNETES[1]))) {
    problems.push({
      path: ['cluster', 'kubernetesVersion'],
      value: cluster.kubernetesVersion,
      rule: `must be ${MIN_KUBERNETES.join('.')} or later: the Envoy and dnsmasq pods drain on rollout with the preStop 'sleep' action (PodLifecycleSleepAction), on by default since Kubernetes 1.30`,
    });
  }
  const envoy = workloads.envoy;
  const memory = memoryBytes(envoy.resources.memory);
  if (memory === undefined || memory < ENVOY_MIN_MEMORY_BYTES) {
    problems.push({
      path: ['workloads', 'envoy', 'resources', 'memory'],
      value: envoy.resources.memory,
      rule: `must be at least 256Mi, written as <n>Mi or <n>Gi`,
    });
  } else {
    const cap = envoyMaxConnectionsFor(envoy.resources.memory);
    if (envoy.maxConnections > cap) {
      problems.push({
        path: ['workloads', 'envoy', 'maxConnections'],
        value: envoy.maxConnections,
        rule:
          `a memory limit of ${envoy.resources.memory} holds at most ${cap} connections (each may hold two 32 KiB buffers, ${ENVOY_BYTES_PER_CONNECTION / 1024} KiB in all, ` +
          `after 128 MiB for Envoy itself and 10% allocator slack): lower maxConnections or raise workloads.envoy.resources.memory`,
      });
    }
  }
  if (cpuMillis(envoy.resources.cpu) === undefined) {
    problems.push({
      path: ['workloads', 'envoy', 'resources', 'cpu'],
      value: envoy.resources.cpu,
      rule: "must be whole cores ('1', '2') or millicores ('1500m')",
    });
  }
  return problems;
}
