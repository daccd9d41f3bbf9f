import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { LevelModel } from '../model';

/** Labels every egress object carries. */
export function commonLabels(level: LevelModel, name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'layered-egress',
    'layered-egress/level': level.name,
  };
}

/** Pod selector of a workload. Stable: a live Deployment's selector cannot change. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'layered-egress' };
}

/** Unprivileged user of every egress container (distroless `nonroot`). */
export const NON_ROOT_UID = 65532;

/** Pod-level security context: non-root, RuntimeDefault seccomp (restricted Pod Security Standard). */
export function podSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    runAsGroup: NON_ROOT_UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container security context: read-only root filesystem, no privilege escalation, every capability dropped. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    runAsGroup: NON_ROOT_UID,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Requests and limits of a container. */
export function resources(cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(cpuRequest), memory: k8s.Quantity.fromString(memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(cpuLimit), memory: k8s.Quantity.fromString(memoryLimit) },
  };
}

/** Spread replicas across nodes (hard) and zones (best effort). */
export function topologySpread(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
  ];
}

/** sha256 of a workload's rendered config: a pod template annotation, so a config change rolls the pods. */
export function checksum(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p).update('\0');
  return hash.digest('hex');
}
export const CHECKSUM_ANNOTATION = 'layered-egress/config-checksum';

/** Annotations of an internal Azure load balancer Service with a planned static IP in the plan's subnet. */
export function internalLoadBalancerAnnotations(ip: string, subnet: string): Record<string, string> {
  return {
    'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/azure-load-balancer-ipv4': ip,
    'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': subnet,
  };
}

/** The Kubernetes limit on a ConfigMap's data (apiserver: 1 MiB). */
export const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;

/** Thrown at synth when a ConfigMap would be rejected by the apiserver. */
export class ManifestSizeError extends Error {}

/**
 * Fails synth when a ConfigMap's data is over 1 MiB, naming level, object and size.
 * @throws ManifestSizeError
 */
export function assertConfigMapSize(level: string, namespace: string, name: string, data: Record<string, string>, remedy = 'shorten the allow-list or cover names with wildcards'): void {
  const size = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > CONFIG_MAP_LIMIT_BYTES) {
    throw new ManifestSizeError(
      `level '${level}': ConfigMap ${namespace}/${name} holds ${size} bytes (${(size / CONFIG_MAP_LIMIT_BYTES).toFixed(2)} MiB), ` +
        `over the Kubernetes limit of ${CONFIG_MAP_LIMIT_BYTES} bytes (1 MiB): ${remedy}`,
    );
  }
}

/** Props of {@link egressDeployment}. */
export interface EgressDeploymentProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Pod selector (stable: a live Deployment's selector cannot change). */
  readonly selector: Record<string, string>;
  readonly replicas: number;
  /** The rendered config the pods mount: its checksum annotation rolls them when it changes. */
  readonly config: string;
  /** Further pod annotations (for example Prometheus scraping). @default none */
  readonly podAnnotations?: Record<string, string>;
  /** Pod spec fields beyond the secure defaults this helper sets: containers, volumes, DNS. */
  readonly pod: Omit<k8s.PodSpec, 'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext' | 'topologySpreadConstraints'>;
}

/**
 * The Deployment of an egress component, secure by default: no service account token,
 * no service links, non-root with RuntimeDefault seccomp, replicas spread across nodes,
 * surge-only rolling updates, and a config checksum that rolls the pods on change.
 */
export function egressDeployment(scope: Construct, props: EgressDeploymentProps): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, 'deployment', {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      replicas: props.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: props.selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: { ...props.labels, ...props.selector }, annotations: { [CHECKSUM_ANNOTATION]: checksum(props.config), ...props.podAnnotations } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(),
          topologySpreadConstraints: topologySpread(props.selector),
          ...props.pod,
        },
      },
    },
  });
}

/** A PodDisruptionBudget keeping all but one replica up during voluntary disruptions. */
export function egressDisruptionBudget(scope: Construct, name: string, labels: Record<string, string>, selector: Record<string, string>): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'pdb', {
    metadata: { name, labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
  });
}
