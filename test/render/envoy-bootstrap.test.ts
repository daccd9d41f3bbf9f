import { ADMIN_CLUSTER, DYNAMIC_FORWARD_PROXY_CLUSTER, renderEnvoyBootstrap, TYPE } from '../../lib/render/envoy-bootstrap';
import { ENVOY_ADMIN_PORT, mapContainerPorts } from '../../lib/render/ports';
import { assertValidEnvoyConfig } from '../support/envoy-validator';

const entries = [
  { pattern: 'a.b.com', kind: 'exact' as const, domain: 'a.b.com', ports: [443] },
  { pattern: 'b.com', kind: 'exact' as const, domain: 'b.com', ports: [443] },
  { pattern: '*.b.com', kind: 'wildcard' as const, domain: 'b.com', ports: [443, 8084] },
  { pattern: 'obo.c.com', kind: 'exact' as const, domain: 'obo.c.com', ports: [8084] },
];
const base = { level: 'lx', entries, ports: mapContainerPorts([443, 8084]), upstreamDns: ['168.63.129.16'], maxConnections: 5000, maxHeapBytes: 966367641 };
const top: any = renderEnvoyBootstrap(base);
const lower: any = renderEnvoyBootstrap({ ...base, upstreamIp: '172.16.64.4' });
const proxied = (b: any) => b.static_resources.listeners.filter((l: any) => l.name.startsWith('egress_'));
const namesOf = (listener: any): string[] => listener.filter_chains.flatMap((c: any) => c.filter_chain_match.server_names);
const clusters = (b: any) => new Map<string, any>(b.static_resources.clusters.map((c: any) => [c.name, c]));

describe.each([
  ['top', top],
  ['lower', lower],
])('%s level bootstrap', (_label, b) => {
  test('is a valid Envoy v3 bootstrap (strict)', () => assertValidEnvoyConfig(b));

  test('one listener per port on the mapped container port, with tls_inspector', () => {
    expect(proxied(b).map((l: any) => [l.name, l.address.socket_address.port_value])).toEqual([
      ['egress_443', 10443],
      ['egress_8084', 8084],
    ]);
    for (const l of proxied(b)) expect(l.listener_filters.map((f: any) => f.typed_config['@type'])).toEqual([TYPE.tlsInspector]);
  });

  test('every allowed name appears exactly once per port, and nothing else', () => {
    const [l443, l8084] = proxied(b);
    expect(namesOf(l443).sort()).toEqual(['*.b.com', 'a.b.com', 'b.com']);
    expect(namesOf(l8084).sort()).toEqual(['*.b.com', 'obo.c.com']);
  });

  test('no TLS termination, no default or catch-all chain', () => {
    const text = JSON.stringify(b);
    expect(text).not.toMatch(/transport_socket|default_filter_chain/);
    for (const l of proxied(b)) for (const c of l.filter_chains) expect(c.filter_chain_match.server_names.length).toBeGreaterThan(0);
  });

  test('admin on 127.0.0.1 only; the health listener routes only /ready and /stats/prometheus to it', () => {
    expect(b.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: ENVOY_ADMIN_PORT });
    expect(clusters(b).get(ADMIN_CLUSTER).load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe('127.0.0.1');
    const health = b.static_resources.listeners.find((l: any) => l.name === 'health');
    const routes = health.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
    expect(routes.map((r: any) => [r.match.path, r.route.cluster])).toEqual([
      ['/ready', ADMIN_CLUSTER],
      ['/stats/prometheus', ADMIN_CLUSTER],
    ]);
  });

  test('access logs carry the SNI and response flags on listeners and tcp_proxy; overload manager caps connections', () => {
    for (const l of proxied(b)) {
      expect(l.access_log[0].typed_config.log_format.text_format_source.inline_string).toMatch(/%REQUESTED_SERVER_NAME%.*%RESPONSE_FLAGS%/);
      for (const c of l.filter_chains) {
        const tcp = c.filters.find((f: any) => f.name === 'envoy.filters.network.tcp_proxy').typed_config;
        expect(tcp.access_log[0].typed_config.log_format.text_format_source.inline_string).toMatch(/%REQUESTED_SERVER_NAME%.*%RESPONSE_FLAGS%/);
        expect(tcp.idle_timeout).toBe('3600s');
      }
    }
    expect(b.overload_manager.resource_monitors).toEqual([
      expect.objectContaining({
        name: 'envoy.resource_monitors.global_downstream_max_connections',
        typed_config: expect.objectContaining({ max_active_downstream_connections: 5000 }),
      }),
      { name: 'envoy.resource_monitors.fixed_heap', typed_config: { '@type': TYPE.fixedHeap, max_heap_size_bytes: '966367641' } },
    ]);
  });
});

describe('lower level', () => {
  test('one chain per port, tcp_proxy to a STATIC cluster at the parent Envoy IP and the same port', () => {
    for (const l of proxied(lower)) {
      expect(l.filter_chains).toHaveLength(1);
      const port = Number(l.name.split('_')[1]);
      const cluster = clusters(lower).get(l.filter_chains[0].filters[0].typed_config.cluster);
      expect(cluster.type).toBe('STATIC');
      expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: '172.16.64.4', port_value: port });
      expect(cluster.circuit_breakers.thresholds[0].max_connections).toBe(5000);
    }
    expect(JSON.stringify(lower)).not.toMatch(/LOGICAL_DNS|dynamic_forward_proxy|typed_dns_resolver_config/);
  });
});

describe('top level', () => {
  test('exact names: one chain each, tcp_proxy to a LOGICAL_DNS V4_ONLY cluster name:port', () => {
    const [l443] = proxied(top);
    const exact = l443.filter_chains.filter((c: any) => !c.filter_chain_match.server_names[0].startsWith('*'));
    expect(exact.map((c: any) => c.filter_chain_match.server_names)).toEqual([['a.b.com'], ['b.com']]);
    for (const c of exact) {
      const name = c.filter_chain_match.server_names[0];
      const cluster = clusters(top).get(c.filters[0].typed_config.cluster);
      expect(cluster).toMatchObject({ name: `${name}:443`, type: 'LOGICAL_DNS', dns_lookup_family: 'V4_ONLY' });
      expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: name, port_value: 443 });
    }
  });

  test('wildcards: sni_dynamic_forward_proxy with the port, then tcp_proxy to the dynamic_forward_proxy cluster; identical dns_cache_config', () => {
    const dfp = clusters(top).get(DYNAMIC_FORWARD_PROXY_CLUSTER);
    expect(dfp.lb_policy).toBe('CLUSTER_PROVIDED');
    expect(dfp.cluster_type.name).toBe('envoy.clusters.dynamic_forward_proxy');
    for (const l of proxied(top)) {
      const port = Number(l.name.split('_')[1]);
      const chain = l.filter_chains.find((c: any) => c.filter_chain_match.server_names[0].startsWith('*'));
      expect(chain.filter_chain_match.server_names).toEqual(['*.b.com']);
      const [sni, tcp] = chain.filters;
      expect(sni.name).toBe('envoy.filters.network.sni_dynamic_forward_proxy');
      expect(sni.typed_config.port_value).toBe(port);
      expect(sni.typed_config.dns_cache_config).toEqual(dfp.cluster_type.typed_config.dns_cache_config);
      expect(tcp.typed_config.cluster).toBe(DYNAMIC_FORWARD_PROXY_CLUSTER);
    }
  });

  test('Envoy resolves upstream names through the configured resolvers only', () => {
    expect(top.typed_dns_resolver_config.typed_config.resolvers).toEqual([{ socket_address: { address: '168.63.129.16', port_value: 53 } }]);
    expect(top.typed_dns_resolver_config.typed_config.use_resolvers_as_fallback).toBe(false);
  });

  test('no wildcard: no dynamic forward proxy at all', () => {
    const b: any = renderEnvoyBootstrap({ ...base, entries: entries.filter((e) => e.kind === 'exact') });
    expect(JSON.stringify(b)).not.toMatch(/dynamic_forward_proxy/);
    assertValidEnvoyConfig(b);
  });

  test('deterministic whatever the input order', () => {
    expect(renderEnvoyBootstrap({ ...base, entries: [...entries].reverse(), ports: [...base.ports].reverse() })).toEqual(top);
  });
});

describe("top level with exactNamesVia: 'dynamic-forward-proxy'", () => {
  const viaDfp: any = renderEnvoyBootstrap({ ...base, exactNamesVia: 'dynamic-forward-proxy' });

  test('is a valid Envoy v3 bootstrap (strict)', () => assertValidEnvoyConfig(viaDfp));

  test('one chain per port lists every allowed name exactly once, all through the dynamic forward proxy', () => {
    const [l443, l8084] = proxied(viaDfp);
    expect(l443.filter_chains).toHaveLength(1);
    expect(namesOf(l443).sort()).toEqual(['*.b.com', 'a.b.com', 'b.com']);
    expect(namesOf(l8084).sort()).toEqual(['*.b.com', 'obo.c.com']);
    for (const l of proxied(viaDfp)) {
      const [sni, tcp] = l.filter_chains[0].filters;
      expect(sni.name).toBe('envoy.filters.network.sni_dynamic_forward_proxy');
      expect(tcp.typed_config.cluster).toBe(DYNAMIC_FORWARD_PROXY_CLUSTER);
    }
  });

  test('no LOGICAL_DNS cluster remains, so the config no longer grows by a cluster per name', () => {
    expect([...clusters(viaDfp).values()].filter((c) => c.type === 'LOGICAL_DNS')).toEqual([]);
    expect(JSON.stringify(viaDfp).length).toBeLessThan(JSON.stringify(top).length);
  });

  test('lower levels are unaffected by the option', () => {
    expect(renderEnvoyBootstrap({ ...base, upstreamIp: '172.16.64.4', exactNamesVia: 'dynamic-forward-proxy' })).toEqual(lower);
  });
});
