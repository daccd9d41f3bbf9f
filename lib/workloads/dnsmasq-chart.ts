import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, LevelAddressPlan, WorkloadOptions } from '../model';
import { DNSMASQ_CONF_KEY, renderDnsmasqConf, strictForwardZones } from '../render/dnsmasq-conf';
import { DNSMASQ_CONTAINER_PORT } from '../render/ports';
import { containerSecurityContext, EgressComponentChart, resources } from './common';
import { LevelChartCheck, LevelChartProps } from './props';

export const DNSMASQ = { name: 'dnsmasq', configMap: 'dnsmasq-config', configKey: DNSMASQ_CONF_KEY, mountPath: '/etc/dnsmasq' } as const;

/** Seconds a terminating dnsmasq pod keeps answering while the load balancer probe takes it out. */
export const DNSMASQ_DRAIN_SECONDS = 10;

/**
 * Where a level's dnsmasq sends what it forwards: the top level asks `upstreamDns` (Azure
 * DNS); a lower level asks its parent's dnsmasq, so no level below the top talks to Azure
 * DNS (its NSG denies it) and the forwarded zones resolve where the top level sees them.
 */
export function dnsmasqUpstream(parent: Pick<LevelAddressPlan, 'dnsIp'> | undefined, options: WorkloadOptions): string {
  return parent ? parent.dnsIp : options.dnsmasq.upstreamDns;
}

/** Props of {@link DnsmasqChart}: the allow-list comes from `AllowList.of(chart)`. */
export interface DnsmasqChartProps extends LevelChartProps {
  /**
   * The level's planned addresses: every allowed name resolves to `envoyIp`; the Service
   * listens on `dnsIp` in the subnet named `loadBalancerSubnet.name`.
   */
  readonly addresses: Pick<LevelAddressPlan, 'envoyIp' | 'dnsIp' | 'loadBalancerSubnet'>;
  /**
   * The parent level's planned addresses: this dnsmasq forwards to the parent's `dnsIp`.
   * @default undefined: the top level, whose dnsmasq forwards to `options.dnsmasq.upstreamDns`
   */
  readonly parent?: Pick<LevelAddressPlan, 'dnsIp'>;
  /** Every level's address space: in strict mode their reverse zones still resolve upstream. */
  readonly levelAddressSpaces: readonly string[];
  /**
   * The location of a private AKS cluster, whose `privatelink.<location>.azmk8s.io` zone
   * still resolves upstream in strict mode.
   * @default undefined (no private cluster)
   */
  readonly privateClusterLocation?: string;
}

/**
 * dnsmasq of a level that has a level below: the lower level's VNET DNS. Answers every
 * allowed name with this level's Envoy IP and every other name NXDOMAIN (`strict`, the
 * default), forwarding only the listed zones upstream (`dnsmasqUpstream`). Listens on a high container port behind Service port 53 (UDP and TCP), so it
 * needs no capability; internal LoadBalancer at the planned DNS IP.
 */
export class DnsmasqChart extends EgressComponentChart {
  /** The rendered `dnsmasq.conf`. */
  public readonly config: string;

  /** @throws ConfigError listing every prop the config file's rules refuse */
  constructor(scope: Construct, id: string, props: DnsmasqChartProps) {
    const check = new LevelChartCheck('DnsmasqChart', id, props)
      .ip(['addresses', 'envoyIp'], props.addresses?.envoyIp)
      .ip(['addresses', 'dnsIp'], props.addresses?.dnsIp)
      .subnetName(['addresses', 'loadBalancerSubnet', 'name'], props.addresses?.loadBalancerSubnet?.name);
    if (props.parent !== undefined) check.ip(['parent', 'dnsIp'], props.parent.dnsIp);
    check.cidrs(['levelAddressSpaces'], props.levelAddressSpaces);
    if (props.privateClusterLocation !== undefined) check.location(['privateClusterLocation'], props.privateClusterLocation);
    check.done();
    const { level, addresses } = props;
    const { namespace, dnsmasq: opts } = check.options;
    const config = renderDnsmasqConf({
      entries: AllowList.of(scope).entries,
      answerIp: addresses.envoyIp,
      upstreamDns: dnsmasqUpstream(props.parent, check.options),
      port: DNSMASQ_CONTAINER_PORT,
      cacheSize: opts.cacheSize,
      localTtl: opts.localTtl,
      strict: opts.strict,
      forwardZones: strictForwardZones({
        addressSpaces: props.levelAddressSpaces,
        location: props.privateClusterLocation ?? '',
        privateCluster: props.privateClusterLocation !== undefined,
        extra: opts.forwardZones,
      }),
    });

    super(scope, id, {
      level,
      namespace,
      name: DNSMASQ.name,
      component: 'vnet-dns',
      config: { name: DNSMASQ.configMap, key: DNSMASQ.configKey, text: config },
      replicas: opts.replicas,
      drainSeconds: DNSMASQ_DRAIN_SECONDS,
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
            livenessProbe: {
              tcpSocket: { port: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT) },
              initialDelaySeconds: 5,
              periodSeconds: 10,
              failureThreshold: 3,
            },
            resources: resources('50m', '32Mi', '500m', '128Mi'),
            securityContext: containerSecurityContext(),
            volumeMounts: [{ name: 'config', mountPath: DNSMASQ.mountPath, readOnly: true }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: DNSMASQ.configMap } }],
      },
      service: {
        ip: addresses.dnsIp,
        subnet: addresses.loadBalancerSubnet.name,
        ports: [
          { name: 'dns-udp', port: 53, targetPort: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT), protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: k8s.IntOrString.fromNumber(DNSMASQ_CONTAINER_PORT), protocol: 'TCP' },
        ],
      },
    });
    this.config = config;
  }
}
