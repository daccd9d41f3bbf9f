/**
 * The default config's dnsmasq, as synthesized into manifests/l4 and manifests/l3, run by
 * a real dnsmasq: strict by default, so an unlisted name is NXDOMAIN and nothing is asked
 * upstream; listed names (exact and wildcard) answer with that level's Envoy IP; AAAA of a
 * listed name is NODATA; only the forwarded zones reach the upstream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../lib/model';
import { DNSMASQ_CONF_KEY } from '../../lib/render/dnsmasq-conf';
import { synthManifests } from '../../lib/synth/manifests';
import { queryDns } from '../support/dns-probe-client';
import { QTYPE, RCODE } from '../support/dns-wire';
import { findDnsmasq, prepareDnsmasqConf, startDnsmasq } from '../support/dnsmasq-runner';
import { startFakeUpstream, UPSTREAM_A } from '../support/fake-upstream-dns';

const model = loadConfig('infra/egress.yaml');
const files = synthManifests(model);
const confOf = (level: string): string => {
  const docs = parseAllDocuments(files.get(`${level}/dnsmasq.yaml`)!).map((d) => d.toJS());
  return docs.find((d) => d.kind === 'ConfigMap').data[DNSMASQ_CONF_KEY];
};

const dnsmasq = findDnsmasq();
if (!dnsmasq && process.env.CI === 'true') {
  test('dnsmasq is installed (required in CI)', () => {
    throw new Error('dnsmasq is not installed: apt-get install dnsmasq (.ci/run does this)');
  });
}
const real = dnsmasq ? describe : describe.skip;
if (!dnsmasq) console.warn('dnsmasq not installed: skipping the default-config real-dnsmasq tests (apt-get install dnsmasq)');

test('the default config is strict at every dnsmasq', () => {
  expect(model.workloads.dnsmasq.strict).toBe(true);
  for (const level of ['l4', 'l3']) expect(confOf(level).split('\n')).toContain('address=/#/');
});

test("the top dnsmasq forwards its zones to Azure DNS; a lower one only to its parent's DNS IP", () => {
  const upstreams = (level: string) => [...new Set([...confOf(level).matchAll(/^server=(?:\/[^/]*\/)?(.+)$/gm)].map((m) => m[1]))];
  expect(upstreams('l4')).toEqual(['168.63.129.16']);
  expect(upstreams('l3')).toEqual([model.levels[0].addresses.dnsIp]);
});

real.each(['l4', 'l3'])('real dnsmasq with the default config of %s', (level) => {
  const envoyIp = model.levels.find((l) => l.name === level)!.addresses.envoyIp;
  let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
  let server: Awaited<ReturnType<typeof startDnsmasq>>;
  let dir: string;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), 'le-dnsmasq-default-'));
    server = await startDnsmasq(dnsmasq!, prepareDnsmasqConf(confOf(level), upstream.port, dir));
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(['unlisted.example.org', 'evil.com', 'x.mcr.microsoft.com', 'management.azure.com.evil.net', 'evilmcr.microsoft.com'])(
    'unlisted %s is NXDOMAIN and never forwarded',
    async (name) => {
      const before = upstream.queries.length;
      const answer = await queryDns(server.port, name, QTYPE.A);
      expect({ rcode: answer.rcode, a: answer.a }).toEqual({ rcode: RCODE.NXDOMAIN, a: [] });
      expect(upstream.queries.slice(before)).toEqual([]);
    },
  );

  test.each(['microsoft.com', 'azure.com'])(
    '%s, a parent of listed names, has no address (an empty non-terminal: NOERROR, no answer) and is never forwarded',
    async (name) => {
      const before = upstream.queries.length;
      const answer = await queryDns(server.port, name, QTYPE.A);
      expect({ rcode: answer.rcode, count: answer.count }).toEqual({ rcode: RCODE.NOERROR, count: 0 });
      expect(upstream.queries.slice(before)).toEqual([]);
    },
  );

  test.each(['mcr.microsoft.com', 'westeurope.data.mcr.microsoft.com', 'management.azure.com', 'packages.aks.azure.com', 'x.hcp.westeurope.azmk8s.io'])(
    'listed %s answers the Envoy IP; its AAAA is NODATA',
    async (name) => {
      expect((await queryDns(server.port, name, QTYPE.A)).a).toEqual([envoyIp]);
      const v6 = await queryDns(server.port, name, QTYPE.AAAA);
      expect({ rcode: v6.rcode, count: v6.count }).toEqual({ rcode: RCODE.NOERROR, count: 0 });
    },
  );

  test('answers from its own records carry a TTL (local-ttl), not 0', () => {
    expect(confOf(level)).toMatch(/^local-ttl=[1-9]\d*$/m);
  });

  test('a forwarded zone (internal.cloudapp.net) still goes upstream', async () => {
    expect((await queryDns(server.port, 'vm1.internal.cloudapp.net', QTYPE.A)).a).toEqual([UPSTREAM_A]);
  });
});
