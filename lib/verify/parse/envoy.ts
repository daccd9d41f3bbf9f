import { parse as parseYaml } from 'yaml';

/**
 * An Envoy v3 bootstrap (YAML or JSON) reduced to what decides where a TLS connection
 * goes: listeners, their filter chains' match criteria and terminal filter, and the
 * clusters with their endpoints. Unknown shapes are kept as `problems`, never guessed.
 */

export interface EnvoyChain {
  /** Position in `filter_chains`, or -1 for `default_filter_chain`. */
  readonly index: number;
  readonly name?: string;
  /** Lowercased as legacy `server_names` are by Envoy; undefined when the field is absent or empty. */
  readonly serverNames?: readonly string[];
  readonly destinationPort?: number;
  readonly transportProtocol?: string;
  /** Match criteria present that the verifier does not model (e.g. `source_prefix_ranges`). */
  readonly unmodelledCriteria: readonly string[];
  readonly terminal: ChainTerminal;
  /** `sni_dynamic_forward_proxy` before the terminal filter. */
  readonly sniDfp?: { readonly portValue?: number; readonly dnsCache: unknown };
  readonly hasTransportSocket: boolean;
}

export type ChainTerminal =
  | { readonly kind: 'tcp_proxy'; readonly cluster?: string; readonly weightedClusters: readonly string[] }
  | { readonly kind: 'http' }
  | { readonly kind: 'other'; readonly filter: string }
  | { readonly kind: 'none' };

export interface EnvoyListener {
  readonly name: string;
  readonly address?: string;
  readonly port?: number;
  readonly tlsInspector: boolean;
  readonly chains: readonly EnvoyChain[];
  readonly defaultChain?: EnvoyChain;
}

export type ClusterKind = 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST' | 'DYNAMIC_FORWARD_PROXY' | 'OTHER';

export interface EnvoyCluster {
  readonly name: string;
  readonly kind: ClusterKind;
  readonly endpoints: ReadonlyArray<{ readonly address: string; readonly port?: number }>;
  readonly loadAssignmentName?: string;
  readonly dnsCache?: unknown;
  readonly hasTransportSocket: boolean;
  readonly dnsLookupFamily?: string;
  /** Own resolver configured (`typed_dns_resolver_config` or `dns_resolvers`). */
  readonly ownResolver: boolean;
}

export interface EnvoyConfig {
  readonly listeners: readonly EnvoyListener[];
  readonly clusters: readonly EnvoyCluster[];
  /** Things present that change routing but are not modelled (dynamic resources ...). */
  readonly problems: readonly string[];
  readonly admin?: { readonly address?: string; readonly port?: number };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Envoy config as parsed from YAML: any shape, read defensively
type Obj = Record<string, any>;
const typeOf = (o: Obj | undefined): string => String(o?.typed_config?.['@type'] ?? '');
const isFilter = (o: Obj | undefined, proto: string, name: string) => typeOf(o).endsWith(`.${proto}`) || o?.name === name;

/** Parses bootstrap text (YAML is a superset of JSON). @throws on unparsable text */
export function parseEnvoyBootstrap(text: string): EnvoyConfig {
  const boot = (parseJson(text) ?? parseYaml(text) ?? {}) as Obj;
  const problems: string[] = [];
  if (boot.dynamic_resources) problems.push('dynamic_resources (LDS/CDS) are not modelled: routes may change at run time');
  const sr = (boot.static_resources ?? {}) as Obj;
  const listeners = ((sr.listeners ?? []) as Obj[]).map((l, i) => readListener(l, i, problems));
  const clusters = ((sr.clusters ?? []) as Obj[]).map(readCluster);
  const adminAddr = boot.admin?.address?.socket_address;
  return { listeners, clusters, problems, admin: boot.admin ? { address: adminAddr?.address, port: adminAddr?.port_value } : undefined };
}

/** JSON is YAML; JSON.parse reads the one-line JSON embedding far faster than a YAML parser. */
function parseJson(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readListener(l: Obj, i: number, problems: string[]): EnvoyListener {
  const name = String(l.name ?? `listeners[${i}]`);
  const sa = l.address?.socket_address ?? {};
  const tlsInspector = ((l.listener_filters ?? []) as Obj[]).some((f) => isFilter(f, 'TlsInspector', 'envoy.filters.listener.tls_inspector'));
  if (l.filter_chain_matcher) problems.push(`listener ${name}: filter_chain_matcher (xds matcher API) is not modelled`);
  return {
    name,
    address: sa.address,
    port: typeof sa.port_value === 'number' ? sa.port_value : sa.port_value !== undefined ? Number(sa.port_value) : undefined,
    tlsInspector,
    chains: ((l.filter_chains ?? []) as Obj[]).map((c, j) => readChain(c, j)),
    defaultChain: l.default_filter_chain ? readChain(l.default_filter_chain, -1) : undefined,
  };
}

const MODELLED_CRITERIA = new Set(['server_names', 'destination_port', 'transport_protocol']);

function readChain(c: Obj, index: number): EnvoyChain {
  const m = (c.filter_chain_match ?? {}) as Obj;
  const names = Array.isArray(m.server_names) && m.server_names.length > 0 ? (m.server_names as unknown[]).map((n) => String(n).toLowerCase()) : undefined;
  const unmodelled = Object.keys(m).filter((k) => !MODELLED_CRITERIA.has(k) && !(Array.isArray(m[k]) && m[k].length === 0));
  const filters = (c.filters ?? []) as Obj[];
  let terminal: ChainTerminal = { kind: 'none' };
  let sniDfp: EnvoyChain['sniDfp'];
  for (const f of filters) {
    if (isFilter(f, 'FilterConfig', 'envoy.filters.network.sni_dynamic_forward_proxy') && /sni_dynamic_forward_proxy/.test(typeOf(f) + f.name)) {
      sniDfp = { portValue: f.typed_config?.port_value, dnsCache: f.typed_config?.dns_cache_config };
    } else if (isFilter(f, 'TcpProxy', 'envoy.filters.network.tcp_proxy')) {
      const tc = f.typed_config ?? {};
      terminal = {
        kind: 'tcp_proxy',
        cluster: tc.cluster,
        weightedClusters: ((tc.weighted_clusters?.clusters ?? []) as Obj[]).map((w) => String(w.name)),
      };
      break;
    } else if (isFilter(f, 'HttpConnectionManager', 'envoy.filters.network.http_connection_manager')) {
      terminal = { kind: 'http' };
      break;
    } else if (!/rbac|local_ratelimit|connection_limit|network\.ratelimit/i.test(typeOf(f) + String(f.name))) {
      terminal = { kind: 'other', filter: String(f.name ?? typeOf(f)) };
      break;
    }
  }
  return {
    index,
    name: c.name,
    serverNames: names,
    destinationPort: m.destination_port !== undefined ? Number(m.destination_port) : undefined,
    transportProtocol: m.transport_protocol,
    unmodelledCriteria: unmodelled,
    terminal,
    sniDfp,
    hasTransportSocket: c.transport_socket !== undefined,
  };
}

function readCluster(c: Obj): EnvoyCluster {
  let kind: ClusterKind = 'STATIC';
  if (c.cluster_type) {
    kind = /dynamic_forward_proxy/.test(String(c.cluster_type.name) + typeOf(c.cluster_type)) ? 'DYNAMIC_FORWARD_PROXY' : 'OTHER';
  } else if (c.type) {
    kind = (['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'] as const).find((k) => k === c.type) ?? 'OTHER';
  }
  const endpoints: Array<{ address: string; port?: number }> = [];
  for (const group of (c.load_assignment?.endpoints ?? []) as Obj[]) {
    for (const lb of (group.lb_endpoints ?? []) as Obj[]) {
      const sa = lb.endpoint?.address?.socket_address;
      if (sa?.address !== undefined) endpoints.push({ address: String(sa.address), port: sa.port_value !== undefined ? Number(sa.port_value) : undefined });
    }
  }
  return {
    name: String(c.name),
    kind,
    endpoints,
    loadAssignmentName: c.load_assignment?.cluster_name,
    dnsCache: c.cluster_type?.typed_config?.dns_cache_config,
    hasTransportSocket: c.transport_socket !== undefined || c.transport_socket_matches !== undefined,
    dnsLookupFamily: c.dns_lookup_family,
    ownResolver: c.typed_dns_resolver_config !== undefined || c.dns_resolvers !== undefined,
  };
}
