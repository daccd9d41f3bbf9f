import { renderEnvoyBootstrap } from '../../lib/render/envoy-bootstrap';
import { mapContainerPorts } from '../../lib/render/ports';
import { validateEnvoyConfig } from '../support/envoy-validator';

/** A valid top-level bootstrap with an exact name and a wildcard: every negative test breaks one thing in it. */
function valid(): any {
  return renderEnvoyBootstrap({
    level: 'top',
    entries: [
      { pattern: 'a.b.com', kind: 'exact', domain: 'a.b.com', ports: [443] },
      { pattern: '*.c.com', kind: 'wildcard', domain: 'c.com', ports: [443] },
    ],
    ports: mapContainerPorts([443]),
    upstreamDns: ['168.63.129.16'],
    maxConnections: 1000,
    maxHeapBytes: 536870912,
  });
}
const tcpProxyOf = (b: any) => b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

describe('strict Envoy validator', () => {
  test('accepts the valid bootstrap', () => {
    expect(validateEnvoyConfig(valid())).toEqual([]);
  });

  test('accepts the same bootstrap as JSON or YAML text', () => {
    expect(validateEnvoyConfig(JSON.stringify(valid()))).toEqual([]);
  });

  test('fails on an unknown field (top level, nested, inside a typed_config)', () => {
    const b = valid();
    b.bogus = 1;
    b.static_resources.clusters[0].conect_timeout = '1s';
    tcpProxyOf(b).idle_timout = '1s';
    const problems = validateEnvoyConfig(b).map((p) => p.message);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unknown field 'bogus' in envoy.config.bootstrap.v3.Bootstrap/),
        expect.stringMatching(/unknown field 'conect_timeout' in envoy.config.cluster.v3.Cluster/),
        expect.stringMatching(/unknown field 'idle_timout' in envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy/),
      ]),
    );
  });

  test('fails on a wrong type', () => {
    const b = valid();
    b.static_resources.listeners[0].address.socket_address.port_value = '443x';
    b.static_resources.listeners[0].filter_chains[0].filter_chain_match.server_names = 'a.b.com';
    const problems = validateEnvoyConfig(b);
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/uint32: expected an integer/), expect.stringMatching(/expected a list/)]),
    );
  });

  test('fails on a bad enum value', () => {
    const b = valid();
    b.static_resources.clusters[0].dns_lookup_family = 'V4_ONLYY';
    expect(validateEnvoyConfig(b).map((p) => p.message)).toEqual([expect.stringMatching(/'V4_ONLYY' is not a value of enum/)]);
  });

  test('fails on an @type that resolves to nothing', () => {
    const b = valid();
    b.static_resources.listeners[0].listener_filters[0].typed_config['@type'] =
      'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspectr';
    const problems = validateEnvoyConfig(b);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/does not resolve to a message/);
    expect(problems[0].path).toBe('$.static_resources.listeners[0].listener_filters[0].typed_config.@type');
  });

  test.each(['10', '10 s', '1m', 'ten', '1.0000000001s'])('fails on a malformed Duration %p', (duration) => {
    const b = valid();
    tcpProxyOf(b).idle_timeout = duration;
    expect(validateEnvoyConfig(b).map((p) => p.message)).toEqual([expect.stringMatching(/Duration: expected a string such as/)]);
  });

  test('fails on two members of one oneof', () => {
    const b = valid();
    b.static_resources.clusters[0].cluster_type = { name: 'x', typed_config: { '@type': 'type.googleapis.com/google.protobuf.Empty' } };
    expect(validateEnvoyConfig(b).map((p) => p.message)).toEqual([expect.stringMatching(/same oneof/)]);
  });

  test('fails on text that is not YAML', () => {
    expect(validateEnvoyConfig('{ "admin": ')[0].message).toMatch(/not valid YAML/);
  });
});
