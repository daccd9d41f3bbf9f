import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { envoyConcurrency, envoyHeapBytes } from '../model/envoy-sizing';
import { renderEnvoyBootstrap } from '../render/envoy-bootstrap';
import { envoyBootstrapYaml } from '../render/envoy-yaml';
import { ENVOY_HEALTH_PORT, mapContainerPorts, PortMapping } from '../render/ports';
import {
  assertConfigMapSize,
  commonLabels,
  containerSecurityContext,
  egressDeployment,
  egressDisruptionBudget,
  internalLoadBalancerAnnotations,
  resources,
  selectorLabels,
} from './common';

/** Names of the Envoy objects (public: CoreDNS rewrites to the Service, policies select the pods). */
export const ENVOY = { name: 'envoy', configMap: 'envoy-config', configKey: 'envoy.yaml', mountPath: '/etc/envoy' } as const;

/**
 * Props of {@link EnvoyChart}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface EnvoyChartProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/**
 * The level's Envoy SNI proxy: ConfigMap `envoy-config` (key `envoy.yaml`, the bootstrap
 * as block YAML), Deployment, internal LoadBalancer Service at the
 * planned Envoy IP with one port per allow-list port, PodDisruptionBudget.
 */
export class EnvoyChart extends Chart {
  /** Service port -> container port of every proxied port. */
  public readonly ports: readonly PortMapping[];
  /** The rendered bootstrap text (the ConfigMap's `envoy.yaml`). */
  public readonly config: string;

  constructor(scope: Construct, id: string, props: EnvoyChartProps) {
    const { model, level } = props;
    const ns = model.workloads.namespace;
    super(scope, id, { disableResourceNameHashes: true, namespace: ns });
    const opts = model.workloads.envoy;
    const allow = AllowList.of(this);
    const top = level.parent === undefined;
    const parent = top ? undefined : model.levels.find((l) => l.name === level.parent);
    if (!top && !parent) throw new Error(`level '${level.name}': parent level '${level.parent}' is not in the model`);

    this.ports = mapContainerPorts(allow.ports);
    this.config = envoyBootstrapYaml(
      renderEnvoyBootstrap({
        level: level.name,
        entries: allow.entries,
        ports: this.ports,
        upstreamIp: parent?.addresses.envoyIp,
        upstreamDns: opts.upstreamDns,
        maxConnections: opts.maxConnections,
        maxHeapBytes: envoyHeapBytes(opts.resources.memory),
        exactNamesVia: opts.exactNamesVia,
      }),
    );
    const labels = commonLabels(level, ENVOY.name, 'egress-proxy');
    const selector = selectorLabels(ENVOY.name);
    const data = { [ENVOY.configKey]: this.config };
    assertConfigMapSize(
      level.name,
      ns,
      ENVOY.configMap,
      data,
      top && opts.exactNamesVia === 'logical-dns'
        ? "set workloads.envoy.exactNamesVia: dynamic-forward-proxy (one chain per port instead of a cluster per exact name), or shorten the allow-list"
        : undefined,
    );

    new k8s.KubeConfigMap(this, 'config', { metadata: { name: ENVOY.configMap, labels }, data });

    const hostNetwork = top && opts.hostNetwork;
    egressDeployment(this, {
      name: ENVOY.name,
      labels,
      selector,
      replicas: opts.replicas,
      drainSeconds: opts.drainSeconds,
      config: this.config,
      podAnnotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(ENVOY_HEALTH_PORT),
        'prometheus.io/path': '/stats/prometheus',
      },
      pod: {
        // The top level never resolves through the rewriting CoreDNS (docs/semantics.md, "Envoy").
        ...(top
          ? hostNetwork
            ? { hostNetwork: true, dnsPolicy: 'Default' }
            : { dnsPolicy: 'None', dnsConfig: { nameservers: [...opts.upstreamDns], options: [{ name: 'ndots', value: '1' }] } }
          : {}),
        containers: [
          {
            name: 'envoy',
            image: opts.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['/usr/local/bin/envoy'],
            args: [
              '--config-path',
              `${ENVOY.mountPath}/${ENVOY.configKey}`,
              '--disable-hot-restart',
              // One worker per core of the CPU limit, not per core of the node.
              '--concurrency',
              String(envoyConcurrency(opts.resources.cpu)),
              '--log-level',
              'info',
              '--service-node',
              level.name,
              '--service-cluster',
              'layered-egress',
            ],
            ports: [
              ...this.ports.map((p) => ({ name: `tcp-${p.servicePort}`, containerPort: p.containerPort, protocol: 'TCP' })),
              { name: 'health', containerPort: ENVOY_HEALTH_PORT, protocol: 'TCP' },
            ],
            readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(ENVOY_HEALTH_PORT) }, periodSeconds: 5, failureThreshold: 2 },
            livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(ENVOY_HEALTH_PORT) }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
            // Memory request = limit: the heap monitor and the connection cap count on it.
            resources: resources('100m', opts.resources.memory, opts.resources.cpu, opts.resources.memory),
            securityContext: containerSecurityContext(),
            volumeMounts: [
              { name: 'config', mountPath: ENVOY.mountPath, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: ENVOY.configMap } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    });


    new k8s.KubeService(this, 'service', {
      metadata: { name: ENVOY.name, labels, annotations: internalLoadBalancerAnnotations(level.addresses.envoyIp, level.addresses.loadBalancerSubnet.name) },
      spec: {
        type: 'LoadBalancer',
        // Keeps the client's source IP (NetworkPolicy matches the level below) and skips a node hop.
        externalTrafficPolicy: 'Local',
        selector,
        ports: this.ports.map((p) => ({ name: `tcp-${p.servicePort}`, port: p.servicePort, targetPort: k8s.IntOrString.fromNumber(p.containerPort), protocol: 'TCP' })),
      },
    });

    egressDisruptionBudget(this, ENVOY.name, labels, selector);
  }
}
