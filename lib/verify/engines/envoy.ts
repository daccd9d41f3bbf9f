import { parentSuffixes } from '../../model/wildcard-cover';
import { EnvoyChain, EnvoyCluster, EnvoyConfig, EnvoyListener } from '../parse/envoy';

/**
 * Envoy's filter chain selection (FilterChainManagerImpl, listener_components.proto):
 * criteria are applied in order destination port, destination IP, server name,
 * transport protocol, ... At each step the most specific non-empty match wins and only
 * when none matches are chains without that criterion considered; there is no
 * backtracking. Server names: exact first, then the longest `*.suffix` wildcard (any
 * depth), then chains without names. No match: `default_filter_chain`, else the
 * connection is closed. Duplicate criteria make Envoy reject the whole listener.
 */

const loadErrorsMemo = new WeakMap<EnvoyListener, string[]>();

/** Why Envoy would refuse to load a listener (computed once per parsed listener). */
export function listenerLoadErrors(listener: EnvoyListener): string[] {
  let errors = loadErrorsMemo.get(listener);
  if (!errors) {
    errors = computeLoadErrors(listener);
    loadErrorsMemo.set(listener, errors);
  }
  return errors;
}

function computeLoadErrors(listener: EnvoyListener): string[] {
  const errors: string[] = [];
  const seen = new Map<string, number>();
  for (const chain of listener.chains) {
    for (const name of chain.serverNames ?? []) {
      if (name.includes('*') && !(name.startsWith('*.') && !name.slice(2).includes('*'))) {
        errors.push(`chain ${chainLabel(chain)}: server name '${name}' is not a valid wildcard (only a leftmost '*.' label is allowed)`);
      }
    }
    const names = chain.serverNames ?? [''];
    for (const raw of names) {
      const name = raw.startsWith('.') ? `*${raw}` : raw; // Envoy stores '.b.com' like '*.b.com'
      const key = `${chain.destinationPort ?? ''}|${name}|${chain.transportProtocol ?? ''}|${chain.unmodelledCriteria.join(',')}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push(
          `chains ${first} and ${chainLabel(chain)} have overlapping matching rules (port ${chain.destinationPort ?? 'any'}, server name '${raw || '(none)'}'): Envoy rejects the listener`,
        );
      } else seen.set(key, chain.index);
    }
  }
  return errors;
}

export function chainLabel(chain: EnvoyChain): string {
  return chain.index === -1 ? 'default_filter_chain' : `${chain.index}${chain.name ? ` (${chain.name})` : ''}`;
}

/**
 * The chain a TLS connection arriving on `localPort` with SNI `serverName` (undefined:
 * no SNI) is handed to, or undefined when Envoy closes it.
 */
export function selectChain(listener: EnvoyListener, localPort: number, serverName: string | undefined): EnvoyChain | undefined {
  const sni = serverName === undefined ? undefined : serverName.toLowerCase().replace(/\.$/, '');
  // Chains with criteria we do not model never match (reported by the rules).
  let candidates = listener.chains.filter((c) => c.unmodelledCriteria.length === 0);
  // 1. destination port
  const byPort = candidates.filter((c) => c.destinationPort === localPort);
  candidates = byPort.length > 0 ? byPort : candidates.filter((c) => c.destinationPort === undefined);
  // 2. destination IP: not modelled (chains with prefix_ranges were dropped above)
  // 3. server names
  const transport = listener.tlsInspector ? 'tls' : 'raw_buffer';
  const effectiveSni = listener.tlsInspector ? sni : undefined;
  candidates = byServerName(listener, candidates, effectiveSni);
  // 4. transport protocol
  const byTransport = candidates.filter((c) => c.transportProtocol === transport);
  candidates = byTransport.length > 0 ? byTransport : candidates.filter((c) => c.transportProtocol === undefined);
  if (candidates.length >= 1) return candidates[0];
  return listener.defaultChain;
}

/** Chains of a listener by server name (`.b.com` stored as `*.b.com`, as Envoy does), built once. */
const namesMemo = new WeakMap<EnvoyListener, Map<string, EnvoyChain[]>>();

function chainsByName(listener: EnvoyListener): Map<string, EnvoyChain[]> {
  let index = namesMemo.get(listener);
  if (!index) {
    index = new Map();
    for (const c of listener.chains) {
      for (const n of new Set((c.serverNames ?? []).map((x) => (x.startsWith('.') ? `*${x}` : x)))) index.set(n, [...(index.get(n) ?? []), c]);
    }
    namesMemo.set(listener, index);
  }
  return index;
}

function byServerName(listener: EnvoyListener, chains: readonly EnvoyChain[], sni: string | undefined): EnvoyChain[] {
  if (sni !== undefined && sni !== '') {
    const index = chainsByName(listener);
    const among = (hit: readonly EnvoyChain[] | undefined) => (hit ?? []).filter((c) => chains.includes(c));
    const exact = among(index.get(sni));
    if (exact.length > 0) return exact;
    for (const suffix of parentSuffixes(sni)) {
      const hit = among(index.get(`*.${suffix}`));
      if (hit.length > 0) return hit;
    }
  }
  return chains.filter((c) => c.serverNames === undefined);
}

/** Where a chain sends the connection. */
export type ChainTarget =
  | { readonly kind: 'static'; readonly cluster: EnvoyCluster; readonly endpoints: ReadonlyArray<{ address: string; port?: number }> }
  | { readonly kind: 'dns'; readonly cluster: EnvoyCluster; readonly host: string; readonly port?: number }
  | { readonly kind: 'dfp'; readonly cluster: EnvoyCluster; readonly host: string; readonly port: number }
  | { readonly kind: 'none'; readonly reason: string };

/** Follows a chain to its cluster and upstream. */
export function chainTarget(config: EnvoyConfig, chain: EnvoyChain, sni: string | undefined, localPort: number): ChainTarget {
  if (chain.terminal.kind !== 'tcp_proxy') {
    return {
      kind: 'none',
      reason: chain.terminal.kind === 'http' ? 'the chain terminates HTTP (not an egress route)' : `the chain has no tcp_proxy (${chain.terminal.kind})`,
    };
  }
  const name = chain.terminal.cluster ?? chain.terminal.weightedClusters[0];
  if (!name) return { kind: 'none', reason: 'tcp_proxy names no cluster' };
  const cluster = config.clusters.find((c) => c.name === name);
  if (!cluster) return { kind: 'none', reason: `tcp_proxy names cluster '${name}', which is not defined` };
  switch (cluster.kind) {
    case 'STATIC':
      return cluster.endpoints.length > 0
        ? { kind: 'static', cluster, endpoints: cluster.endpoints }
        : { kind: 'none', reason: `cluster '${name}' has no endpoints` };
    case 'LOGICAL_DNS':
    case 'STRICT_DNS':
      return cluster.endpoints.length > 0
        ? { kind: 'dns', cluster, host: cluster.endpoints[0].address, port: cluster.endpoints[0].port }
        : { kind: 'none', reason: `cluster '${name}' has no endpoints` };
    case 'DYNAMIC_FORWARD_PROXY':
      if (!chain.sniDfp)
        return {
          kind: 'none',
          reason: `cluster '${name}' is a dynamic forward proxy but the chain has no sni_dynamic_forward_proxy filter (no host to connect to)`,
        };
      if (sni === undefined) return { kind: 'none', reason: 'no SNI for the dynamic forward proxy' };
      // SNI dynamic forward proxy: port_value, else the port the connection arrived on.
      return { kind: 'dfp', cluster, host: sni.toLowerCase(), port: chain.sniDfp.portValue ?? localPort };
    default:
      return { kind: 'none', reason: `cluster '${name}' has type ${cluster.kind}, which the verifier does not follow` };
  }
}
