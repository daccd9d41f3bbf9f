import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { DNSMASQ_CONF_KEY, renderDnsmasqConf, strictForwardZones } from '../render/dnsmasq-conf';
import { DNSMASQ_CONTAINER_PORT } from '../render/ports';
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

export const DNSMASQ = { name: 'dnsmasq', configMap: 'dnsmasq-config', configKey: DNSMASQ_CONF_KEY, mountPath: '/etc/dnsmasq' } as const;

/** Seconds a terminating dnsmasq pod keeps answering while the load balancer probe takes it out. */
export const DNSMASQ_DRAIN_SECONDS = 10;

/**
 * Where a level's dnsmasq sends what it forwards: the top level asks `upstreamDns` (Azure
 * DNS); a lower level asks its parent's dnsmasq, so no level below the top talks to Azure
 * DNS (its NSG denies it) and the forwarded zones resolve where the top level sees them.
 */
export function dnsmasqUpstream(model: EgressModel, level: LevelModel): string {
  const parent = model.levels.find((l) => l.name === level.parent);
  return parent ? parent.addresses.dnsIp : model.workloads.dnsmasq.upstreamDns;
}

/**
 * Props of {@link DnsmasqChart}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface DnsmasqChartProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/**
 * dnsmasq of a level that has a level below: the lower level's VNET DNS. Answers every
 * allowed name with this level's Envoy IP and every other name NXDOMAIN (`strict`, the
 * default), forwarding only the listed zones upstream (`dnsmasqUpstream`). Listens on a high container port behind Service port 53 (UDP and TCP), so it
 * needs no capability; internal LoadBalancer at the planned DNS IP.
 */
export class DnsmasqChart extends Chart {
  /** The rendered `dnsmasq.conf`. */
  public readonly config: string;

  constructor(scope: Construct, id: string, props: DnsmasqChartProps) {
    const { model, level } = props;
    const ns = model.workloads.namespace;
    super(scope, id, { disableResourceNameHashes: true, namespace: ns });
    const opts = model.workloads.dnsmasq;
    this.config = renderDnsmasqConf({
      entries: AllowList.of(this).entries,
      answerIp: level.addresses.envoyIp,
      upstreamDns: dnsmasqUpstream(model, level),
      port: DNSMASQ_CONTAINER_PORT,
      cacheSize: opts.cacheSize,
      localTtl: opts.localTtl,
      strict: opts.strict,
      forwardZones: strictForwardZones({
        addressSpaces: model.levels.map((l) => l.addresses.addressSpace),
        location: model.location,
        privateCluster: model.cluster.privateCluster,
        extra: opts.forwardZones,
      }),
    });
    const labels = commonLabels(level, DNSMASQ.name, 'vnet-dns');
    const selector = selectorLabels(DNSMASQ.name);
    const data = { [DNSMASQ.configKey]: this.config };
    assertConfigMapSize(level.name, ns, DNSMASQ.configMap, data);

    new k8s.KubeConfigMap(this, 'config', { metadata: { name: DNSMASQ.configMap, labels }, data });

    egressDeployment(this, {
      name: DNSMASQ.name,
      labels,
      selector,
      replicas: opts.replicas,
      drainSeconds: DNSMASQ_DRAIN_SECONDS,
      config: this.config,
      pod: {
        containers: [
          {
            name: 'dnsmasq',
            image: opts.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['/usr/sbin/dnsmasq'],
            args: ['--keep-in-foreground', '--log-facility=-', `--conf-file=${DNSMASQ.mountPath}/${DNSMASQ.configKey}`],
            ports: [
              { name: 'dns-udp', containerPort: DNSMASQ_CONTAINER_PORT, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: DNSMASQ_CONTAINER_PORT, protocol: 'TCP' },
            ],
            readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT) }, periodSeconds: 5, failureThreshold: 2 },
            livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT) }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
            resources: resources('50m', '32Mi', '500m', '128Mi'),
            securityContext: containerSecurityContext(),
            volumeMounts: [{ name: 'config', mountPath: DNSMASQ.mountPath, readOnly: true }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: DNSMASQ.configMap } }],
      },
    });


    new k8s.KubeService(this, 'service', {
      metadata: { name: DNSMASQ.name, labels, annotations: internalLoadBalancerAnnotations(level.addresses.dnsIp, level.addresses.loadBalancerSubnet.name) },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector,
        ports: [
          { name: 'dns-udp', port: 53, targetPort: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT), protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT), protocol: 'TCP' },
        ],
      },
    });

    egressDisruptionBudget(this, DNSMASQ.name, labels, selector);
  }
}
