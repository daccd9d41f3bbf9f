import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';

/** Labels every egress object carries. */
export function commonLabels(level: string, name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'layered-egress',
    'layered-egress/level': level,
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
export function assertConfigMapSize(
  level: string,
  namespace: string,
  name: string,
  data: Record<string, string>,
  remedy = 'shorten the allow-list or cover names with wildcards',
): void {
  const size = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > CONFIG_MAP_LIMIT_BYTES) {
    throw new ManifestSizeError(
      `level '${level}': ConfigMap ${namespace}/${name} holds ${size} bytes (${(size / CONFIG_MAP_LIMIT_BYTES).toFixed(2)} MiB), ` +
        `over the Kubernetes limit of ${CONFIG_MAP_LIMIT_BYTES} bytes (1 MiB): ${remedy}`,
    );
  }
}

/** Props of {@link EgressComponentChart}: one load-balanced egress component of a level. */
export interface EgressComponentProps {
  /** The level's name (labels, messages). */
  readonly level: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /** Name of the Deployment, Service and PodDisruptionBudget (and the pods' `app.kubernetes.io/name`). */
  readonly name: string;
  /** The `app.kubernetes.io/component` label. */
  readonly component: string;
  /** The ConfigMap the pods mount: its name, its one key and the rendered config. */
  readonly config: { readonly name: string; readonly key: string; readonly text: string };
  /** What the ConfigMap size error suggests. @default 'shorten the allow-list or cover names with wildcards' */
  readonly sizeRemedy?: string;
  /** Pod replicas. */
  readonly replicas: number;
  /** Seconds a terminating pod keeps serving before SIGTERM (`preStop` sleep); 0 for none. */
  readonly drainSeconds: number;
  /** Further pod annotations (for example Prometheus scraping). @default none */
  readonly podAnnotations?: Record<string, string>;
  /** Pod spec fields beyond the secure defaults this chart sets: containers, volumes, DNS. */
  readonly pod: Omit<
    k8s.PodSpec,
    'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext' | 'topologySpreadConstraints' | 'terminationGracePeriodSeconds'
  >;
  /** The internal load balancer Service: its planned static IP, its subnet and its ports. */
  readonly service: { readonly ip: string; readonly subnet: string; readonly ports: k8s.ServicePort[] };
}

/**
 * One egress component of a level (Envoy, dnsmasq), secure by default, as a chart of
 * four objects: the ConfigMap of its rendered config (refused over the Kubernetes size
 * limit), a Deployment (no service account token, no service links, non-root with
 * RuntimeDefault seccomp, replicas spread across nodes, surge-only rolling updates, a
 * config checksum that rolls the pods on change, a drain on stop: `drainSeconds`, then
 * {@link TERMINATION_MARGIN_SECONDS} to exit), an internal LoadBalancer Service at the
 * planned IP keeping client source IPs, and a PodDisruptionBudget keeping all but one
 * replica up. Object ids (`config`, `deployment`, `service`, `pdb`) sit directly below
 * the chart, as in every earlier release.
 */
export class EgressComponentChart extends Chart {
  constructor(scope: Construct, id: string, props: EgressComponentProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: props.namespace });
    const labels = commonLabels(props.level, props.name, props.component);
    const selector = selectorLabels(props.name);
    const data = { [props.config.key]: props.config.text };
    assertConfigMapSize(props.level, props.namespace, props.config.name, data, props.sizeRemedy);

    new k8s.KubeConfigMap(this, 'config', { metadata: { name: props.config.name, labels }, data });

    new DrainingDeployment(
      this,
      'deployment',
      {
        metadata: { name: props.name, labels },
        spec: {
          replicas: props.replicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
          template: {
            metadata: { labels: { ...labels, ...selector }, annotations: { [CHECKSUM_ANNOTATION]: checksum(props.config.text), ...props.podAnnotations } },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: podSecurityContext(),
              topologySpreadConstraints: topologySpread(selector),
              terminationGracePeriodSeconds: props.drainSeconds + TERMINATION_MARGIN_SECONDS,
              ...props.pod,
            },
          },
        },
      },
      props.drainSeconds,
    );

    new k8s.KubeService(this, 'service', {
      metadata: { name: props.name, labels, annotations: internalLoadBalancerAnnotations(props.service.ip, props.service.subnet) },
      spec: {
        type: 'LoadBalancer',
        // Keeps the client's source IP (NetworkPolicy matches the level below) and skips a node hop.
        externalTrafficPolicy: 'Local',
        selector,
        ports: props.service.ports,
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.name, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
  }
}

/** Seconds between the end of the drain and the kubelet's SIGKILL: room for the process to exit on SIGTERM. */
export const TERMINATION_MARGIN_SECONDS = 10;

/**
 * A Deployment whose containers stop with a `preStop` sleep of `drainSeconds`: the pod
 * leaves the Service's endpoints at once, so the load balancer's health probe
 * (kube-proxy's health check node port under `externalTrafficPolicy: Local`) takes the
 * node out and new connections go to the other replicas, while connections already open
 * keep flowing until the sleep ends and the kubelet sends SIGTERM. Kubernetes' own `sleep`
 * action (PodLifecycleSleepAction, on by default since 1.30) needs no shell, which the
 * distroless images do not have. cdk8s-plus-28's typed API predates the field and drops
 * unknown keys, so it is added to the rendered object.
 */
class DrainingDeployment extends k8s.KubeDeployment {
  constructor(
    scope: Construct,
    id: string,
    props: k8s.KubeDeploymentProps,
    private readonly drainSeconds: number,
  ) {
    super(scope, id, props);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdk8s ApiObject.toJson's own return type
  public toJson(): any {
    const json = super.toJson();
    if (this.drainSeconds > 0) {
      for (const container of json.spec.template.spec.containers)
        container.lifecycle = { ...container.lifecycle, preStop: { sleep: { seconds: this.drainSeconds } } };
    }
    return json;
  }
}
