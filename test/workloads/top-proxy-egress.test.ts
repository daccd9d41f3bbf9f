/**
 * The top level's Envoy never reaches private space: its NetworkPolicy, as synthesized,
 * is evaluated like a policy engine does (a peer matches when the ipBlock cidr contains
 * the address and no `except` does; rules are a union) for addresses a listed name could
 * resolve to.
 */
import { parseAllDocuments } from 'yaml';
import { cidrContains, parseCidr, parseIpv4, parseConfig, loadConfig, EgressModel } from '../../lib/model';
import { NON_PUBLIC_RANGES, topProxyExcludedRanges } from '../../lib/render/egress-ranges';
import { synthManifests } from '../../lib/synth/manifests';
import { BASE } from '../support/configs';

const synthesized = new Map<EgressModel, Map<string, string>>();
const policyOf = (m: EgressModel, level: string, name: string): any => {
  if (!synthesized.has(m)) synthesized.set(m, synthManifests(m));
  const files = synthesized.get(m)!;
  return parseAllDocuments(files.get(`${level}/network-policies.yaml`)!)
    .map((d) => d.toJS())
    .find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === name);
};

const inCidr = (cidr: string, ip: string): boolean => {
  const c = parseCidr(cidr);
  if (!c.ok) throw new Error(cidr);
  return cidrContains(c.value, parseIpv4(ip)!);
};

/** Does the policy's egress allow TCP to ip:port? */
function egressAllows(policy: any, ip: string, port: number): boolean {
  return (policy.spec.egress as any[]).some(
    (rule) =>
      (rule.ports ?? []).some((p: any) => p.protocol === 'TCP' && p.port === port) &&
      (rule.to ?? []).some((peer: any) => peer.ipBlock && inCidr(peer.ipBlock.cidr, ip) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(e, ip))),
  );
}

describe('top Envoy egress (default config)', () => {
  const m = loadConfig('infra/egress.yaml');
  const policy = policyOf(m, 'l4', 'envoy');
  const forbidden = [
    ['10.1.2.3', 'RFC 1918'],
    ['172.16.64.4', 'RFC 1918: l4 Envoy itself'],
    ['172.18.64.5', 'RFC 1918: a lower level'],
    ['172.31.255.254', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['169.254.169.254', 'link-local: instance metadata'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['168.63.129.16', 'Azure platform'],
    ['10.0.0.1', 'service range'],
    ['10.244.3.7', 'pod range'],
    ['0.0.0.1', 'this network'],
    ['239.1.1.1', 'multicast'],
  ];

  test.each(forbidden)('denies %s (%s) on every proxied port', (ip) => {
    for (const port of [443, 8084]) expect(egressAllows(policy, ip, port)).toBe(false);
  });

  test.each(['20.50.1.1', '13.107.42.14', '104.16.0.1', '100.128.0.1', '172.32.0.1', '8.8.8.8'])('allows public %s on the proxied ports only', (ip) => {
    expect(egressAllows(policy, ip, 443)).toBe(true);
    expect(egressAllows(policy, ip, 8084)).toBe(true);
    expect(egressAllows(policy, ip, 22)).toBe(false);
  });

  test('DNS only to the configured resolvers', () => {
    expect(egressAllows(policy, '168.63.129.16', 53)).toBe(true);
    expect(egressAllows(policy, '8.8.8.8', 53)).toBe(false);
  });

  test('a lower Envoy reaches only its parent Envoy', () => {
    const l3 = policyOf(m, 'l3', 'envoy');
    expect(egressAllows(l3, '172.16.64.4', 443)).toBe(true);
    expect(egressAllows(l3, '20.50.1.1', 443)).toBe(false);
    expect(egressAllows(l3, '172.16.64.5', 443)).toBe(false);
  });
});

describe('cluster and level ranges in public space are excepted too', () => {
  const text = BASE.replace('172.16.0.0/16', '20.40.0.0/16') + 'cluster:\n  podCidr: 100.200.0.0/16\n  serviceCidr: 30.0.0.0/16\n  dnsServiceIp: 30.0.0.10\n';
  const m = parseConfig(text, 'egress.yaml');
  const policy = policyOf(m, 'l4', 'envoy');
  test.each(['20.40.64.4', '100.200.1.1', '30.0.0.10'])('denies %s', (ip) => expect(egressAllows(policy, ip, 443)).toBe(false));
  test('still allows other public addresses', () => expect(egressAllows(policy, '20.41.0.1', 443)).toBe(true));
});

describe('topProxyExcludedRanges', () => {
  test('the fixed list, sorted, without ranges another covers', () => {
    expect(topProxyExcludedRanges(['10.0.0.0/16', '10.244.0.0/16', '172.18.0.0/16', '20.40.0.0/16', '10.0.0.0/8'])).toEqual([
      '0.0.0.0/8',
      '10.0.0.0/8',
      '20.40.0.0/16',
      '100.64.0.0/10',
      '127.0.0.0/8',
      '168.63.129.16/32',
      '169.254.0.0/16',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '224.0.0.0/3',
    ]);
    expect(topProxyExcludedRanges([])).toEqual(NON_PUBLIC_RANGES.map((r) => r.cidr));
  });
});
