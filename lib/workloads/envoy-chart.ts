import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, LevelAddressPlan } from '../model';
import { envoyConcurrency, envoyHeapBytes } from '../model/envoy-sizing';
import { renderEnvoyBootstrap } from '../render/envoy-bootstrap';
import { envoyBootstrapYaml } from '../render/envoy-yaml';
import { ENVOY_HEALTH_PORT, mapContainerPorts, PortMapping } from '../render/ports';
import { containerSecurityContext, EgressComponentChart, resources } from './common';
import { LevelChartCheck, LevelChartProps } from './props';

/** Names of the Envoy objects (public: CoreDNS rewrites to the Service, policies select the pods). */
export const ENVOY = { name: 'envoy', configMap: 'envoy-config', configKey: 'envoy.yaml', mountPath: '/etc/envoy' } as const;

/** Props of {@link EnvoyChart}: the allow-list comes from `AllowList.of(chart)`. */
export interface EnvoyChartProps extends LevelChartProps {
  /** The level's planned addresses: the Service listens on `envoyIp` in the subnet named `loadBalancerSubnet.name`. */
  readonly addresses: Pick<LevelAddressPlan, 'envoyIp' | 'loadBalancerSubnet'>;
  /**
   * The parent level's planned addresses: this level's Envoy sends allowed connections,
   * unopened, to the parent's `envoyIp`.
   * @default undefined: the top level, whose Envoy connects to the internet
   */
  readonly parent?: Pick<LevelAddressPlan, 'envoyIp'>;
}

/**
 * The level's Envoy SNI proxy: ConfigMap `envoy-config` (key `envoy.yaml`, the bootstrap
 * as block YAML), Deployment, internal LoadBalancer Service at the
 * planned Envoy IP with one port per allow-list port, PodDisruptionBudget.
 */
export class EnvoyChart extends EgressComponentChart {
  /** Service port -> container port of every proxied port. */
  public readonly ports: readonly PortMapping[];
  /** The rendered bootstrap text (the ConfigMap's `envoy.yaml`). */
  public readonly config: string;

  /** @throws ConfigError listing every prop the config file's rules refuse */
  constructor(scope: Construct, id: string, props: EnvoyChartProps) {
    const check = new LevelChartCheck('EnvoyChart', id, props)
      .ip(['addresses', 'envoyIp'], props.addresses?.envoyIp)
      .subnetName(['addresses', 'loadBalancerSubnet', 'name'], props.addresses?.loadBalancerSubnet?.name);
    if (props.parent !== undefined) check.ip(['parent', 'envoyIp'], props.parent.envoyIp);
    check.done();
    const { level, addresses, parent } = props;
    const { namespace, envoy: opts } = check.options;
    const allow = AllowList.of(scope);
    const top = parent === undefined;
    const ports = mapContainerPorts(allow.ports);
    const config = envoyBootstrapYaml(
      renderEnvoyBootstrap({
        level,
        entries: allow.entries,
        ports,
        upstreamIp: parent?.envoyIp,
        upstreamDns: opts.upstreamDns,
        maxConnections: opts.maxConnections,
        maxHeapBytes: envoyHeapBytes(opts.resources.memory),
        exactNamesVia: opts.exactNamesVia,
      }),
    );

    const hostNetwork = top && opts.hostNetwork;
    super(scope, id, {
      level,
      namespace,
      name: ENVOY.name,
      component: 'egress-proxy',
      config: { name: ENVOY.configMap, key: ENVOY.configKey, text: config },
      sizeRemedy:
        top && opts.exactNamesVia === 'logical-dns'
          ? 'set workloads.envoy.exactNamesVia: dynamic-forward-proxy (one chain per port instead of a cluster per exact name), or shorten the allow-list'
          : undefined,
      replicas: opts.replicas,
      drainSeconds: opts.drainSeconds,
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
              level,
              '--service-cluster',
              'layered-egress',
            ],
            ports: [
              ...ports.map((p) => ({ name: `tcp-${p.servicePort}`, containerPort: p.containerPort, protocol: 'TCP' })),
              { name: 'health', containerPort: ENVOY_HEALTH_PORT, protocol: 'TCP' },
            ],
            readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(ENVOY_HEALTH_PORT) }, periodSeconds: 5, failureThreshold: 2 },
            livenessProbe: {
              tcpSocket: { port: k8s.IntOrString.fromNumber(ENVOY_HEALTH_PORT) },
              initialDelaySeconds: 10,
              periodSeconds: 10,
              failureThreshold: 3,
            },
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
      service: {
        ip: addresses.envoyIp,
        subnet: addresses.loadBalancerSubnet.name,
        ports: ports.map((p) => ({
          name: `tcp-${p.servicePort}`,
          port: p.servicePort,
          targetPort: k8s.IntOrString.fromNumber(p.containerPort),
          protocol: 'TCP',
        })),
      },
    });
    this.ports = ports;
    this.config = config;
  }
}
