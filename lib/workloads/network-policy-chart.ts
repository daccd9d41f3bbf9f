import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, LevelAddressPlan } from '../model';
import { topProxyExcludedRanges } from '../render/egress-ranges';
import { DNSMASQ_CONTAINER_PORT, ENVOY_HEALTH_PORT, mapContainerPorts } from '../render/ports';
import { commonLabels, selectorLabels } from './common';
import { DNSMASQ, dnsmasqUpstream } from './dnsmasq-chart';
import { ENVOY } from './envoy-chart';
import { LevelChartCheck, LevelChartProps } from './props';

/** Props of {@link NetworkPolicyChart}: the proxied ports come from `AllowList.of(chart)`. */
export interface NetworkPolicyChartProps extends LevelChartProps {
  /**
   * The parent level's planned addresses: Envoy may reach only the parent's `envoyIp`,
   * dnsmasq only the parent's `dnsIp`.
   * @default undefined: the top level, whose Envoy reaches the internet and `options.envoy.upstreamDns`
   */
  readonly parent?: Pick<LevelAddressPlan, 'envoyIp' | 'dnsIp'>;
  /**
   * The level below's planned addresses: its `addressSpace` may reach Envoy and dnsmasq
   * (the dnsmasq policy exists only with a level below).
   * @default undefined: the bottom level, reached only by pods of its own cluster
   */
  readonly child?: Pick<LevelAddressPlan, 'addressSpace'>;
  /**
   * Top level only: ranges the internet-facing Envoy must never reach besides the private,
   * link-local, CGNAT and loopback ones always left out: the cluster's service and pod
   * ranges and every level's address space (a level may sit in public space).
   * @default [] (only the always excluded ranges)
   */
  readonly excludedRanges?: readonly string[];
}

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const udp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'UDP', port: k8s.IntOrString.fromNumber(port) });
const host = (ip: string): k8s.NetworkPolicyPeer => ({ ipBlock: { cidr: `${ip}/32` } });

/**
 * NetworkPolicies of the egress namespace: deny everything by default; Envoy accepts
 * in-cluster pods and the level below on its proxied ports (plus the health port for
 * the kubelet and Prometheus) and reaches only the parent's Envoy (lower levels) or the
 * public internet on the allow-list ports plus its DNS resolvers (top: every private,
 * link-local, CGNAT, loopback and cluster range excepted); dnsmasq accepts the level
 * below on 53 and reaches only its upstream (Azure DNS at the top, the parent's DNS below). Enforced only when the
 * cluster runs a policy engine (`cluster.networkPolicy`).
 */
export class NetworkPolicyChart extends Chart {
  /** @throws ConfigError listing every prop the config file's rules refuse */
  constructor(scope: Construct, id: string, props: NetworkPolicyChartProps) {
    const check = new LevelChartCheck('NetworkPolicyChart', id, props);
    if (props.parent !== undefined) check.ip(['parent', 'envoyIp'], props.parent.envoyIp).ip(['parent', 'dnsIp'], props.parent.dnsIp);
    if (props.child !== undefined) check.cidr(['child', 'addressSpace'], props.child.addressSpace);
    if (props.excludedRanges !== undefined) check.cidrs(['excludedRanges'], props.excludedRanges);
    check.done();
    const { level, parent, child } = props;
    const options = check.options;
    super(scope, id, { disableResourceNameHashes: true, namespace: options.namespace });
    const ports = mapContainerPorts(AllowList.of(this).ports);
    const labels = (name: string) => commonLabels(level, name, 'network-policy');

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', labels: labels('default-deny') },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const allPods: k8s.NetworkPolicyPeer = { namespaceSelector: {}, podSelector: {} };
    const envoyIngress: k8s.NetworkPolicyIngressRule[] = [
      { from: [allPods, ...(child ? [{ ipBlock: { cidr: child.addressSpace } }] : [])], ports: ports.map((p) => tcp(p.containerPort)) },
      { from: [allPods], ports: [tcp(ENVOY_HEALTH_PORT)] },
    ];
    const envoyEgress: k8s.NetworkPolicyEgressRule[] = parent
      ? [{ to: [host(parent.envoyIp)], ports: ports.map((p) => tcp(p.servicePort)) }]
      : [
          {
            // The internet only: never private, link-local, CGNAT, loopback or platform
            // addresses, nor the cluster's own ranges, whatever a listed name resolves to.
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: topProxyExcludedRanges(props.excludedRanges ?? []) } }],
            ports: ports.map((p) => tcp(p.servicePort)),
          },
          { to: options.envoy.upstreamDns.map(host), ports: [udp(53), tcp(53)] },
        ];
    new k8s.KubeNetworkPolicy(this, 'envoy', {
      metadata: { name: ENVOY.name, labels: labels(ENVOY.name) },
      spec: { podSelector: { matchLabels: selectorLabels(ENVOY.name) }, policyTypes: ['Ingress', 'Egress'], ingress: envoyIngress, egress: envoyEgress },
    });

    if (child) {
      new k8s.KubeNetworkPolicy(this, 'dnsmasq', {
        metadata: { name: DNSMASQ.name, labels: labels(DNSMASQ.name) },
        spec: {
          podSelector: { matchLabels: selectorLabels(DNSMASQ.name) },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ ipBlock: { cidr: child.addressSpace } }], ports: [udp(DNSMASQ_CONTAINER_PORT), tcp(DNSMASQ_CONTAINER_PORT)] }],
          egress: [{ to: [host(dnsmasqUpstream(parent, options))], ports: [udp(53), tcp(53)] }],
        },
      });
    }
  }
}
