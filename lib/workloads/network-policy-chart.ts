import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { topProxyExcludedRanges } from '../render/egress-ranges';
import { DNSMASQ_CONTAINER_PORT, ENVOY_HEALTH_PORT, mapContainerPorts } from '../render/ports';
import { commonLabels, selectorLabels } from './common';
import { DNSMASQ, dnsmasqUpstream } from './dnsmasq-chart';
import { ENVOY } from './envoy-chart';

/**
 * Props of {@link NetworkPolicyChart}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface NetworkPolicyChartProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
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
  constructor(scope: Construct, id: string, props: NetworkPolicyChartProps) {
    const { model, level } = props;
    super(scope, id, { disableResourceNameHashes: true, namespace: model.workloads.namespace });
    const ports = mapContainerPorts(AllowList.of(this).ports);
    const child = model.levels.find((l) => l.name === level.child);
    const parent = model.levels.find((l) => l.name === level.parent);
    const envoyOpts = model.workloads.envoy;
    const labels = (name: string) => commonLabels(level, name, 'network-policy');

    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: 'default-deny', labels: labels('default-deny') },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const allPods: k8s.NetworkPolicyPeer = { namespaceSelector: {}, podSelector: {} };
    const envoyIngress: k8s.NetworkPolicyIngressRule[] = [
      { from: [allPods, ...(child ? [{ ipBlock: { cidr: child.addresses.addressSpace } }] : [])], ports: ports.map((p) => tcp(p.containerPort)) },
      { from: [allPods], ports: [tcp(ENVOY_HEALTH_PORT)] },
    ];
    const envoyEgress: k8s.NetworkPolicyEgressRule[] = parent
      ? [{ to: [host(parent.addresses.envoyIp)], ports: ports.map((p) => tcp(p.servicePort)) }]
      : [
          {
            // The internet only: never private, link-local, CGNAT, loopback or platform
            // addresses, nor the cluster's own ranges, whatever a listed name resolves to.
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: topProxyExcludedRanges(clusterAndLevelRanges(model)) } }],
            ports: ports.map((p) => tcp(p.servicePort)),
          },
          { to: envoyOpts.upstreamDns.map(host), ports: [udp(53), tcp(53)] },
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
          ingress: [{ from: [{ ipBlock: { cidr: child.addresses.addressSpace } }], ports: [udp(DNSMASQ_CONTAINER_PORT), tcp(DNSMASQ_CONTAINER_PORT)] }],
          egress: [{ to: [host(dnsmasqUpstream(model, level))], ports: [udp(53), tcp(53)] }],
        },
      });
    }
  }
}

/** The cluster's pod and service ranges and every level's address space: never a destination of the top proxy. */
export function clusterAndLevelRanges(model: EgressModel): string[] {
  const c = model.cluster;
  return [c.serviceCidr, ...(c.networkPlugin === 'azure' ? [] : [c.podCidr]), ...model.levels.map((l) => l.addresses.addressSpace)];
}
