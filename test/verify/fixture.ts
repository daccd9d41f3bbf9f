/**
 * A small hand-written two-level system ("up" on top, "down" below) with an exact entry
 * `a.b.com` and a wildcard `*.w.com`, both on 443: enough for every rule to have
 * something to pass on, and for each rule test to break exactly one thing.
 */
import { Artifacts } from '../../lib/verify/artifacts';
import { Intent } from '../../lib/verify/intent';
import { KubeObject } from '../../lib/verify/parse/kube';
import { parseTfStack } from '../../lib/verify/parse/terraform';
import { parse as parseYaml } from 'yaml';
import { envoyBootstrapYaml } from '../../lib/render/envoy-yaml';

export interface Fixture {
  intent: Intent;
  terraform: Record<string, any>;
  manifests: Record<string, any[]>;
}

const DNS_CACHE = { name: 'dfp', dns_lookup_family: 'V4_ONLY' };

export function topEnvoy(): any {
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } },
    static_resources: {
      listeners: [
        {
          name: 'egress_443',
          address: { socket_address: { address: '0.0.0.0', port_value: 10443 } },
          listener_filters: [
            {
              name: 'envoy.filters.listener.tls_inspector',
              typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' },
            },
          ],
          filter_chains: [
            { name: 'exact', filter_chain_match: { server_names: ['a.b.com'] }, filters: [tcpProxy('a_b_com')] },
            {
              name: 'wild',
              filter_chain_match: { server_names: ['*.w.com'] },
              filters: [
                {
                  name: 'envoy.filters.network.sni_dynamic_forward_proxy',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.sni_dynamic_forward_proxy.v3.FilterConfig',
                    port_value: 443,
                    dns_cache_config: DNS_CACHE,
                  },
                },
                tcpProxy('dfp'),
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'a_b_com',
          type: 'LOGICAL_DNS',
          dns_lookup_family: 'V4_ONLY',
          load_assignment: {
            cluster_name: 'a_b_com',
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'a.b.com', port_value: 443 } } } }] }],
          },
        },
        {
          name: 'dfp',
          lb_policy: 'CLUSTER_PROVIDED',
          cluster_type: {
            name: 'envoy.clusters.dynamic_forward_proxy',
            typed_config: { '@type': 'type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig', dns_cache_config: DNS_CACHE },
          },
        },
      ],
    },
  };
}

function tcpProxy(cluster: string): any {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: cluster, cluster },
  };
}

export function lowerEnvoy(parentIp: string): any {
  const b = topEnvoy();
  b.static_resources.listeners[0].filter_chains = [
    { name: 'up', filter_chain_match: { server_names: ['a.b.com', '*.w.com'] }, filters: [tcpProxy('parent_443')] },
  ];
  b.static_resources.clusters = [
    {
      name: 'parent_443',
      type: 'STATIC',
      load_assignment: {
        cluster_name: 'parent_443',
        endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: parentIp, port_value: 443 } } } }] }],
      },
    },
  ];
  return b;
}

function workload(name: string, configMap: string, extra: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'egress' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...extra,
          containers: [{ name, image: 'mcr.microsoft.com/oss/x/' + name + ':1', ports: [{ name: 'tls', containerPort: 10443 }] }],
          volumes: [{ name: 'config', configMap: { name: configMap } }],
        },
      },
    },
  };
}

function lbService(name: string, ip: string, ports: any[]): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'egress',
      annotations: { 'service.beta.kubernetes.io/azure-load-balancer-ipv4': ip, 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' },
    },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports },
  };
}

const COREDNS = [
  'rewrite name exact a.b.com envoy.egress.svc.cluster.local',
  'rewrite name regex ^(?:[^.]+\\.)+w\\.com\\.$ envoy.egress.svc.cluster.local. answer auto',
].join('\n');

export const DNSMASQ =
  ['no-resolv', 'no-hosts', 'server=168.63.129.16', 'host-record=a.b.com,10.1.64.4', 'local=/a.b.com/', 'address=/*.w.com/10.1.64.4', 'local=/*.w.com/'].join(
    '\n',
  ) + '\n';

function manifests(level: 'up' | 'down'): any[] {
  const docs: any[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'envoy-config', namespace: 'egress' },
      data: { 'envoy.yaml': JSON.stringify(level === 'up' ? topEnvoy() : lowerEnvoy('10.1.64.4')) },
    },
    workload('envoy', 'envoy-config', level === 'up' ? { dnsPolicy: 'Default' } : {}),
    lbService('envoy', level === 'up' ? '10.1.64.4' : '10.2.64.4', [{ name: 'tls', port: 443, targetPort: 'tls', protocol: 'TCP' }]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns-custom', namespace: 'kube-system' }, data: { 'egress.override': COREDNS } },
  ];
  if (level === 'up') {
    docs.push(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dnsmasq-config', namespace: 'egress' }, data: { 'dnsmasq.conf': DNSMASQ } },
      workload('dnsmasq', 'dnsmasq-config'),
      lbService('dnsmasq', '10.1.64.5', [
        { name: 'dns', port: 53, targetPort: 1053, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 1053, protocol: 'TCP' },
      ]),
    );
  }
  return docs;
}

const rule = (name: string, priority: number, direction: string, access: string, protocol: string, src: string, dst: string, port: string) => ({
  name,
  priority,
  direction,
  access,
  protocol,
  source_address_prefix: src,
  destination_address_prefix: dst,
  destination_port_range: port,
  source_port_range: '*',
  network_security_group_name: '${azurerm_network_security_group.nsg.name}',
});

function stack(level: 'up' | 'down'): any {
  const n = level === 'up' ? 1 : 2;
  const rules: Record<string, any> =
    level === 'up'
      ? {
          envoy_in: rule('allow-envoy-from-down', 100, 'Inbound', 'Allow', 'Tcp', '10.2.0.0/18', '10.1.64.4', '443'),
          dns_in: rule('allow-dns-from-down', 110, 'Inbound', 'Allow', '*', '10.2.0.0/18', '10.1.64.5', '53'),
        }
      : {
          envoy_out: rule('allow-envoy-to-up', 100, 'Outbound', 'Allow', 'Tcp', '*', '10.1.64.4', '443'),
          dns_out: rule('allow-dns-to-up', 110, 'Outbound', 'Allow', '*', '*', '10.1.64.5', '53'),
          mcr: rule('allow-mcr', 120, 'Outbound', 'Allow', 'Tcp', '*', 'MicrosoftContainerRegistry', '443'),
          afd: rule('allow-afd', 130, 'Outbound', 'Allow', 'Tcp', '*', 'AzureFrontDoor.FirstParty', '443'),
          azure_dns: rule('deny-azure-dns', 3990, 'Outbound', 'Deny', '*', '*', 'AzurePlatformDNS', '*'),
          deny: rule('deny-internet', 4000, 'Outbound', 'Deny', '*', '*', 'Internet', '*'),
        };
  const resource: any = {
    azurerm_virtual_network: {
      vnet: { name: `vnet-${level}`, address_space: [`10.${n}.0.0/16`], ...(level === 'down' ? { dns_servers: ['10.1.64.5'] } : {}) },
    },
    azurerm_subnet: {
      nodes: { name: 'nodes', virtual_network_name: '${azurerm_virtual_network.vnet.name}', address_prefixes: [`10.${n}.0.0/18`] },
      ilb: { name: 'egress-ilb', virtual_network_name: '${azurerm_virtual_network.vnet.name}', address_prefixes: [`10.${n}.64.0/24`] },
    },
    azurerm_network_security_group: { nsg: { name: `nsg-${level}` } },
    azurerm_network_security_rule: rules,
    azurerm_subnet_network_security_group_association: {
      nodes: { subnet_id: '${azurerm_subnet.nodes.id}', network_security_group_id: '${azurerm_network_security_group.nsg.id}' },
    },
    azurerm_kubernetes_cluster: {
      aks: {
        name: `aks-${level}`,
        default_node_pool: { name: 'system', vnet_subnet_id: '${azurerm_subnet.nodes.id}' },
        ...(level === 'down' ? { network_profile: { network_plugin: 'azure', outbound_type: 'userDefinedRouting' } } : {}),
      },
    },
  };
  if (level === 'down') {
    resource.azurerm_route_table = { rt: { name: 'rt-down', bgp_route_propagation_enabled: false } };
    resource.azurerm_route = {
      default: {
        name: 'default-via-up-envoy',
        route_table_name: '${azurerm_route_table.rt.name}',
        address_prefix: '0.0.0.0/0',
        next_hop_type: 'VirtualAppliance',
        next_hop_in_ip_address: '10.1.64.4',
      },
    };
    resource.azurerm_subnet_route_table_association = { nodes: { subnet_id: '${azurerm_subnet.nodes.id}', route_table_id: '${azurerm_route_table.rt.id}' } };
    resource.azurerm_virtual_network_peering = {
      to_parent: {
        name: 'down-to-up',
        virtual_network_name: '${azurerm_virtual_network.vnet.name}',
        remote_virtual_network_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-up',
        allow_virtual_network_access: true,
      },
      from_parent: {
        name: 'up-to-down',
        virtual_network_name: 'vnet-up',
        remote_virtual_network_id: '${azurerm_virtual_network.vnet.id}',
        allow_virtual_network_access: true,
      },
    };
  }
  return { resource };
}

/** A fresh, compliant fixture (mutate freely). */
export function fixture(): Fixture {
  return {
    intent: {
      location: 'westeurope',
      levels: [
        { name: 'up', index: 0, child: 'down', addressSpace: '10.1.0.0/16', envoyIp: '10.1.64.4', dnsIp: '10.1.64.5' },
        { name: 'down', index: 1, parent: 'up', addressSpace: '10.2.0.0/16', envoyIp: '10.2.64.4', dnsIp: '10.2.64.5' },
      ],
      entries: [
        { pattern: '*.w.com', kind: 'wildcard', domain: 'w.com', ports: [443] },
        { pattern: 'a.b.com', kind: 'exact', domain: 'a.b.com', ports: [443] },
      ],
      dns: { strict: false, upstream: '168.63.129.16', forwardZones: [] },
    },
    terraform: { up: stack('up'), down: stack('down') },
    manifests: { up: manifests('up'), down: manifests('down') },
  };
}

/** The fixture as the loader would produce it. */
export function artifactsOf(fx: Fixture): Artifacts {
  const stacks = Object.entries(fx.terraform).map(([level, json]) => parseTfStack(level, `cdktf.out/stacks/${level}/cdk.tf.json`, JSON.stringify(json)));
  const manifests = new Map(
    Object.entries(fx.manifests).map(([level, docs]) => {
      const objects: KubeObject[] = docs.map((body, index) => ({
        kind: body.kind,
        name: body.metadata.name,
        namespace: body.metadata.namespace ?? 'default',
        body,
        file: `manifests/${level}/all.yaml`,
        index,
      }));
      return [level, { level, dir: `manifests/${level}`, objects, unlisted: [], missing: [], errors: [] }];
    }),
  );
  return { cdktfOut: 'cdktf.out', manifestsOut: 'manifests', stacks, errors: [], manifests };
}

/** Finds a manifest object of the fixture. */
export function obj(fx: Fixture, level: string, kind: string, name: string): any {
  const o = fx.manifests[level].find((d) => d.kind === kind && d.metadata.name === name);
  if (!o) throw new Error(`fixture has no ${kind} ${name} at ${level}`);
  return o;
}

/** Edits a level's Envoy bootstrap. */
export function editFixtureEnvoy(fx: Fixture, level: string, edit: (b: any) => void): void {
  const cm = obj(fx, level, 'ConfigMap', 'envoy-config');
  const b = parseYaml(cm.data['envoy.yaml']);
  edit(b);
  cm.data['envoy.yaml'] = envoyBootstrapYaml(b);
}
