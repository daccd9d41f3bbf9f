/**
 * Envoy bootstrap of one level, rendered from the allow-list as a plain object (proto3
 * JSON field names). Follows docs/semantics.md, "Envoy":
 *
 * - one listener per allow-list port with `tls_inspector`; TLS is never terminated (no
 *   `transport_socket` anywhere) and there is no default or catch-all filter chain, so a
 *   connection whose SNI matches no allowed name is closed (access log flag `NR`);
 * - lower levels: one chain per port holding every allowed name, `tcp_proxy` to a STATIC
 *   cluster at the parent level's Envoy load balancer IP and the same port;
 * - top level: each exact name to its own LOGICAL_DNS cluster (`V4_ONLY`); the wildcards
 *   of a port in one chain through `sni_dynamic_forward_proxy` (with the port) to the
 *   `dynamic_forward_proxy` cluster, filter and cluster sharing one `dns_cache_config`.
 *   With `exactNamesVia: 'dynamic-forward-proxy'` the exact names join that chain too (it
 *   lists each allowed name exactly, so nothing more is allowed; the config stays small);
 * - admin on 127.0.0.1 only; a small HTTP listener routes /ready and /stats/prometheus
 *   to the admin cluster; both are exempt from the global connection cap; the overload
 *   manager caps downstream connections and watches the heap against the memory limit;
 *   32 KiB buffers per connection; raised circuit breakers; idle timeouts; access logs
 *   with the SNI and response flags.
 */
import { byText } from '../model/compare';
import type { AllowEntry } from '../model/allow-entries';
import { ENVOY_BUFFER_BYTES } from '../model/envoy-sizing';
import { ENVOY_ADMIN_PORT, ENVOY_HEALTH_PORT, PortMapping } from './ports';

/** Everything the bootstrap depends on: plain data. */
export interface EnvoyBootstrapInput {
  /** Level name (node id, stats). */
  readonly level: string;
  /** Allow-list entries (any order). */
  readonly entries: readonly Pick<AllowEntry, 'pattern' | 'kind' | 'domain' | 'ports'>[];
  /** Container port of each allow-list port (see `mapContainerPorts`). */
  readonly ports: readonly PortMapping[];
  /** The parent level's Envoy load balancer IP. @default undefined: the top (internet-facing) level */
  readonly upstreamIp?: string;
  /** Resolvers Envoy itself uses for upstream names (top level). */
  readonly upstreamDns: readonly string[];
  /** Global downstream connection cap (overload manager); also the clusters' circuit breaker. */
  readonly maxConnections: number;
  /** Heap size the overload manager's fixed_heap monitor measures against (bytes; from the memory limit). */
  readonly maxHeapBytes: number;
  /** Top level: exact names through their own LOGICAL_DNS clusters, or through the dynamic forward proxy. @default 'logical-dns' */
  readonly exactNamesVia?: 'logical-dns' | 'dynamic-forward-proxy';
}

/** Type URLs the bootstrap uses (each one must resolve in Envoy's v3 API). */
export const TYPE = {
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  sniDfp: 'type.googleapis.com/envoy.extensions.filters.network.sni_dynamic_forward_proxy.v3.FilterConfig',
  dfpCluster: 'type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig',
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  stdout: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  downstreamConnections: 'type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig',
  fixedHeap: 'type.googleapis.com/envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig',
  cares: 'type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig',
} as const;

/** Name of the cluster of the wildcard chains at the top level. */
export const DYNAMIC_FORWARD_PROXY_CLUSTER = 'dynamic_forward_proxy';
/** Name of the cluster pointing at the admin interface. */
export const ADMIN_CLUSTER = 'admin';
/** Timeouts (proto3 JSON Duration strings). */
export const TIMEOUTS = { connect: '10s', idle: '3600s', listenerFilters: '10s', dnsRefresh: '60s', hostTtl: '300s' } as const;

/** Access log line of the proxied listeners and tcp_proxy: SNI and response flags (`NR`: no chain matched). */
export const ACCESS_LOG_FORMAT =
  '[%START_TIME%] level=%ENVOY_NODE_ID% sni=%REQUESTED_SERVER_NAME% flags=%RESPONSE_FLAGS% ' +
  'src=%DOWNSTREAM_REMOTE_ADDRESS% dst=%UPSTREAM_HOST% cluster=%UPSTREAM_CLUSTER% ' +
  'rx=%BYTES_RECEIVED% tx=%BYTES_SENT% ms=%DURATION%\n';

type Json = Record<string, unknown>;

/** Listener name of an allow-list port. */
export const listenerName = (port: number): string => `egress_${port}`;
/** Top level: cluster of one exact name on one port. */
export const exactClusterName = (name: string, port: number): string => `${name}:${port}`;
/** Lower levels: cluster of the parent's Envoy on one port. */
export const parentClusterName = (port: number): string => `parent_${port}`;

const socket = (address: string, port: number): Json => ({ socket_address: { address, port_value: port } });
const statName = (s: string): string => s.replace(/[^a-z0-9_]/gi, '_');

function accessLog(): Json[] {
  return [
    {
      name: 'envoy.access_loggers.stdout',
      typed_config: { '@type': TYPE.stdout, log_format: { text_format_source: { inline_string: ACCESS_LOG_FORMAT } } },
    },
  ];
}

function tcpProxy(statPrefix: string, cluster: string): Json {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': TYPE.tcpProxy, stat_prefix: statPrefix, cluster, idle_timeout: TIMEOUTS.idle, access_log: accessLog() },
  };
}

function circuitBreakers(max: number): Json {
  return { thresholds: [{ priority: 'DEFAULT', max_connections: max, max_pending_requests: max, max_requests: max }] };
}

/** Cares resolver pinned to the configured upstream resolvers (never the pod's resolv.conf). */
function dnsResolver(upstreamDns: readonly string[]): Json {
  return {
    name: 'envoy.network.dns_resolver.cares',
    typed_config: {
      '@type': TYPE.cares,
      resolvers: upstreamDns.map((ip) => socket(ip, 53)),
      use_resolvers_as_fallback: false,
      dns_resolver_options: { use_tcp_for_dns_lookups: false, no_default_search_domain: true },
    },
  };
}

/** Renders the bootstrap object of one level. Deterministic: same input, same output. */
export function renderEnvoyBootstrap(input: EnvoyBootstrapInput): Json {
  const top = input.upstreamIp === undefined;
  const entries = [...input.entries].sort((a, b) => byText(a.pattern, b.pattern));
  const ports = [...input.ports].sort((a, b) => a.servicePort - b.servicePort);
  // One object, shared by every sni_dynamic_forward_proxy filter and the cluster: Envoy requires them to agree.
  const dnsCache = dnsCacheConfig(entries.length, input.upstreamDns);
  const listeners: Json[] = [];
  const clusters: Json[] = [];
  let usesDynamicForwardProxy = false;

  for (const { servicePort: port, containerPort } of ports) {
    const onPort = entries.filter((e) => e.ports.includes(port));
    if (onPort.length === 0) continue;
    const routes = top ? internetRoutes(port, onPort, input, dnsCache) : parentRoutes(port, onPort, input.upstreamIp!, input.maxConnections);
    listeners.push(proxyListener(port, containerPort, routes.chains));
    clusters.push(...routes.clusters);
    usesDynamicForwardProxy ||= routes.usesDynamicForwardProxy;
  }
  if (usesDynamicForwardProxy) clusters.push(dynamicForwardProxyCluster(dnsCache, input.maxConnections));
  listeners.push(healthListener());
  clusters.push(adminCluster());

  const bootstrap: Json = {
    node: { id: input.level, cluster: 'layered-egress' },
    // Probes and the kubelet must get through when the proxy is full.
    admin: { address: socket('127.0.0.1', ENVOY_ADMIN_PORT), ignore_global_conn_limit: true },
    static_resources: { listeners, clusters },
    overload_manager: overloadManager(input.maxConnections, input.maxHeapBytes),
  };
  // Top level: Envoy resolves upstream names itself, never through the rewriting CoreDNS.
  if (top) bootstrap.typed_dns_resolver_config = dnsResolver(input.upstreamDns);
  return bootstrap;
}

type BootstrapEntry = EnvoyBootstrapInput['entries'][number];

/** The filter chains of one port's listener and the clusters they send to. */
interface PortRoutes {
  readonly chains: Json[];
  readonly clusters: Json[];
  readonly usesDynamicForwardProxy: boolean;
}

/** The DNS cache of the dynamic forward proxy, resolving through the configured upstream resolvers. */
function dnsCacheConfig(entryCount: number, upstreamDns: readonly string[]): Json {
  return {
    name: 'egress_dns_cache',
    dns_lookup_family: 'V4_ONLY',
    dns_refresh_rate: TIMEOUTS.dnsRefresh,
    host_ttl: TIMEOUTS.hostTtl,
    // Room for every name the chains route here, and for wildcard subdomains on top.
    max_hosts: Math.max(4096, entryCount * 2),
    typed_dns_resolver_config: dnsResolver(upstreamDns),
  };
}

/** Lower levels: one chain holding every name allowed on the port, to the parent's Envoy on the same port. */
function parentRoutes(port: number, onPort: readonly BootstrapEntry[], upstreamIp: string, maxConnections: number): PortRoutes {
  const cluster = parentClusterName(port);
  return {
    chains: [{ name: `allowed_${port}`, filter_chain_match: { server_names: onPort.map((e) => e.pattern) }, filters: [tcpProxy(`egress_${port}`, cluster)] }],
    clusters: [
      {
        name: cluster,
        type: 'STATIC',
        connect_timeout: TIMEOUTS.connect,
        circuit_breakers: circuitBreakers(maxConnections),
        per_connection_buffer_limit_bytes: ENVOY_BUFFER_BYTES,
        load_assignment: { cluster_name: cluster, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(upstreamIp, port) } }] }] },
      },
    ],
    usesDynamicForwardProxy: false,
  };
}

/**
 * Top level: each exact name to its own LOGICAL_DNS cluster (unless `exactNamesVia` sends
 * them through the dynamic forward proxy), the rest in one chain through the dynamic
 * forward proxy.
 */
function internetRoutes(port: number, onPort: readonly BootstrapEntry[], input: EnvoyBootstrapInput, dnsCache: Json): PortRoutes {
  const viaDfp = input.exactNamesVia === 'dynamic-forward-proxy';
  const chains: Json[] = [];
  const clusters: Json[] = [];
  for (const e of onPort.filter((x) => x.kind === 'exact' && !viaDfp)) {
    const cluster = exactClusterName(e.domain, port);
    chains.push({
      name: `exact_${e.domain}_${port}`,
      filter_chain_match: { server_names: [e.pattern] },
      filters: [tcpProxy(`egress_${port}_${statName(e.domain)}`, cluster)],
    });
    clusters.push(exactNameCluster(cluster, e.domain, port, input.maxConnections));
  }
  const dynamic = onPort.filter((x) => x.kind === 'wildcard' || viaDfp);
  if (dynamic.length > 0) {
    chains.push({
      name: viaDfp ? `allowed_${port}` : `wildcards_${port}`,
      filter_chain_match: { server_names: dynamic.map((e) => e.pattern) },
      filters: [
        {
          name: 'envoy.filters.network.sni_dynamic_forward_proxy',
          typed_config: { '@type': TYPE.sniDfp, dns_cache_config: dnsCache, port_value: port },
        },
        tcpProxy(viaDfp ? `egress_${port}` : `egress_${port}_wildcards`, DYNAMIC_FORWARD_PROXY_CLUSTER),
      ],
    });
  }
  return { chains, clusters, usesDynamicForwardProxy: dynamic.length > 0 };
}

/** Top level: the LOGICAL_DNS cluster of one exact name on one port. */
function exactNameCluster(name: string, domain: string, port: number, maxConnections: number): Json {
  return {
    name,
    alt_stat_name: statName(name),
    type: 'LOGICAL_DNS',
    dns_lookup_family: 'V4_ONLY',
    connect_timeout: TIMEOUTS.connect,
    circuit_breakers: circuitBreakers(maxConnections),
    per_connection_buffer_limit_bytes: ENVOY_BUFFER_BYTES,
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(domain, port) } }] }] },
  };
}

/** The listener of one allow-list port: TLS inspected for its SNI, never terminated; no default chain. */
function proxyListener(port: number, containerPort: number, chains: Json[]): Json {
  return {
    name: listenerName(port),
    address: socket('0.0.0.0', containerPort),
    listener_filters: [
      {
        name: 'envoy.filters.listener.tls_inspector',
        typed_config: { '@type': TYPE.tlsInspector },
      },
    ],
    listener_filters_timeout: TIMEOUTS.listenerFilters,
    per_connection_buffer_limit_bytes: ENVOY_BUFFER_BYTES,
    filter_chains: chains,
    access_log: accessLog(),
  };
}

/** The cluster behind every sni_dynamic_forward_proxy chain, sharing their DNS cache. */
function dynamicForwardProxyCluster(dnsCache: Json, maxConnections: number): Json {
  return {
    name: DYNAMIC_FORWARD_PROXY_CLUSTER,
    connect_timeout: TIMEOUTS.connect,
    lb_policy: 'CLUSTER_PROVIDED',
    circuit_breakers: circuitBreakers(maxConnections),
    per_connection_buffer_limit_bytes: ENVOY_BUFFER_BYTES,
    cluster_type: {
      name: 'envoy.clusters.dynamic_forward_proxy',
      typed_config: { '@type': TYPE.dfpCluster, dns_cache_config: dnsCache },
    },
  };
}

/** The admin interface (127.0.0.1 only), reached by the health listener. */
function adminCluster(): Json {
  return {
    name: ADMIN_CLUSTER,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: { cluster_name: ADMIN_CLUSTER, endpoints: [{ lb_endpoints: [{ endpoint: { address: socket('127.0.0.1', ENVOY_ADMIN_PORT) } }] }] },
  };
}

/** Heap pressure (share of `maxHeapBytes`) at which Envoy releases free memory, then stops accepting new connections. */
export const HEAP_PRESSURE = { shrinkHeap: 0.9, stopAccepting: 0.95 } as const;

/**
 * The overload manager: the global connection cap, and a fixed_heap monitor sized to the
 * container's memory limit. Under heap pressure Envoy first returns free memory, then
 * stops accepting new TCP connections (load shed point `tcp_listener_accept`, Envoy's
 * overload manager docs) while existing ones keep flowing, instead of being OOM-killed
 * and cutting every connection at once.
 */
function overloadManager(maxConnections: number, maxHeapBytes: number): Json {
  const heapAt = (value: number): Json[] => [{ name: 'envoy.resource_monitors.fixed_heap', threshold: { value } }];
  return {
    refresh_interval: '0.25s',
    resource_monitors: [
      {
        name: 'envoy.resource_monitors.global_downstream_max_connections',
        typed_config: { '@type': TYPE.downstreamConnections, max_active_downstream_connections: maxConnections },
      },
      { name: 'envoy.resource_monitors.fixed_heap', typed_config: { '@type': TYPE.fixedHeap, max_heap_size_bytes: String(maxHeapBytes) } },
    ],
    actions: [{ name: 'envoy.overload_actions.shrink_heap', triggers: heapAt(HEAP_PRESSURE.shrinkHeap) }],
    loadshed_points: [{ name: 'envoy.load_shed_points.tcp_listener_accept', triggers: heapAt(HEAP_PRESSURE.stopAccepting) }],
  };
}

/**
 * /ready (kubelet) and /stats/prometheus (Prometheus) routed to the admin cluster; nothing
 * else of the admin API. Exempt from the global connection cap: a full proxy must still
 * answer its probes, or the kubelet restarts it and cuts every connection.
 */
function healthListener(): Json {
  const route = (path: string): Json => ({ match: { path }, route: { cluster: ADMIN_CLUSTER, timeout: '5s' } });
  return {
    name: 'health',
    address: socket('0.0.0.0', ENVOY_HEALTH_PORT),
    ignore_global_conn_limit: true,
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': TYPE.hcm,
              stat_prefix: 'health',
              codec_type: 'HTTP1',
              stream_idle_timeout: '30s',
              request_timeout: '10s',
              route_config: {
                name: 'health',
                virtual_hosts: [{ name: 'health', domains: ['*'], routes: [route('/ready'), route('/stats/prometheus')] }],
              },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } }],
            },
          },
        ],
      },
    ],
  };
}
