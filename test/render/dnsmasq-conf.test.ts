import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDnsmasqConf, reverseZones, strictForwardZones } from '../../lib/render/dnsmasq-conf';
import { DNSMASQ_CONTAINER_PORT } from '../../lib/render/ports';
import { queryDns } from '../support/dns-probe-client';
import { QTYPE, RCODE } from '../support/dns-wire';
import { findDnsmasq, prepareDnsmasqConf, startDnsmasq } from '../support/dnsmasq-runner';
import { startFakeUpstream, UPSTREAM_A } from '../support/fake-upstream-dns';

const IP = '172.16.64.4';
const entries = [
  { pattern: 'a.b.com', kind: 'exact' as const, domain: 'a.b.com' },
  { pattern: '*.w.com', kind: 'wildcard' as const, domain: 'w.com' },
  { pattern: 'g.com', kind: 'exact' as const, domain: 'g.com' },
  { pattern: '*.g.com', kind: 'wildcard' as const, domain: 'g.com' },
  { pattern: 'x.w.com', kind: 'exact' as const, domain: 'x.w.com' },
];
const zones = strictForwardZones({ addressSpaces: ['172.16.0.0/16', '172.18.0.0/16'], location: 'westeurope', privateCluster: false, extra: [] });
const render = (strict: boolean) =>
  renderDnsmasqConf({
    entries,
    answerIp: IP,
    upstreamDns: '168.63.129.16',
    port: DNSMASQ_CONTAINER_PORT,
    cacheSize: 1000,
    localTtl: 60,
    strict,
    forwardZones: zones,
  });

describe('dnsmasq.conf rendering', () => {
  const conf = render(false);
  test('follows semantics.md for exact, wildcard and apex + wildcard entries', () => {
    const lines = conf.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'host-record=a.b.com,172.16.64.4',
        'local=/a.b.com/',
        'address=/*.w.com/172.16.64.4',
        'local=/*.w.com/',
        'address=/g.com/172.16.64.4',
        'local=/g.com/',
      ]),
    );
    expect(lines).toEqual(expect.arrayContaining(['no-resolv', 'no-hosts', 'server=168.63.129.16', 'cache-size=1000', `port=${DNSMASQ_CONTAINER_PORT}`]));
    // never a bare address= for an exact name, never a leading-dot or dotless wildcard
    expect(conf).not.toMatch(/address=\/a\.b\.com\/|\/\.[a-z]|\/\*[a-z]/);
  });

  test('an exact name a wildcard covers gets no local= of its own (it would refuse names the wildcard allows)', () => {
    expect(conf).toMatch(/^host-record=x\.w\.com,172\.16\.64\.4$/m);
    expect(conf).not.toMatch(/local=\/x\.w\.com\//);
  });

  test('strict mode: NXDOMAIN for everything else, Azure-internal and reverse zones forward upstream', () => {
    const strict = render(true);
    expect(strict).toMatch(/^address=\/#\/$/m);
    expect(strict).not.toMatch(/^server=168\.63\.129\.16$/m);
    for (const z of ['internal.cloudapp.net', '16.172.in-addr.arpa', '18.172.in-addr.arpa']) expect(strict).toContain(`server=/${z}/168.63.129.16`);
  });

  test('reverse zones follow octet boundaries', () => {
    expect(reverseZones('172.16.0.0/16')).toEqual(['16.172.in-addr.arpa']);
    expect(reverseZones('10.0.0.0/8')).toEqual(['10.in-addr.arpa']);
    expect(reverseZones('10.64.0.0/14')).toEqual(['64.10.in-addr.arpa', '65.10.in-addr.arpa', '66.10.in-addr.arpa', '67.10.in-addr.arpa']);
    expect(reverseZones('192.168.4.0/22')).toHaveLength(4);
    expect(strictForwardZones({ addressSpaces: [], location: 'westeurope', privateCluster: true, extra: ['privatelink.blob.core.windows.net'] })).toEqual([
      'internal.cloudapp.net',
      'privatelink.blob.core.windows.net',
      'privatelink.westeurope.azmk8s.io',
    ]);
  });
});

// Real dnsmasq (Debian's package; .ci/run installs it). Absent: skipped here, a failure in CI.
const dnsmasq = findDnsmasq();
if (!dnsmasq && process.env.CI === 'true') {
  test('dnsmasq is installed (required in CI)', () => {
    throw new Error('dnsmasq is not installed: apt-get install dnsmasq (.ci/run does this)');
  });
}
const real = dnsmasq ? describe : describe.skip;
if (!dnsmasq) console.warn('dnsmasq not installed: skipping the real-dnsmasq tests (apt-get install dnsmasq)');

real('real dnsmasq', () => {
  test('dnsmasq --test accepts both configs as rendered (with the pod options)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-dnsmasq-test-'));
    try {
      for (const strict of [false, true]) {
        const path = join(dir, `dnsmasq-${strict}.conf`);
        writeFileSync(path, render(strict));
        const r = spawnSync(dnsmasq!, ['--test', '--keep-in-foreground', '--log-facility=-', `--conf-file=${path}`], { encoding: 'utf8' });
        expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 0, stderr: 'dnsmasq: syntax check OK.' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('dnsmasq --test refuses a broken config (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-dnsmasq-test-'));
    try {
      writeFileSync(join(dir, 'bad.conf'), 'host-record=a.b.com,not-an-ip\nbogus-option\n');
      expect(spawnSync(dnsmasq!, ['--test', `--conf-file=${join(dir, 'bad.conf')}`], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each([false, true])('answers on loopback (strict: %p)', (strict) => {
    let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;
    let server: Awaited<ReturnType<typeof startDnsmasq>>;
    beforeAll(async () => {
      upstream = await startFakeUpstream();
      const dir = mkdtempSync(join(tmpdir(), 'le-dnsmasq-run-'));
      server = await startDnsmasq(dnsmasq!, prepareDnsmasqConf(render(strict), upstream.port, dir));
    });
    afterAll(async () => {
      await server?.stop();
      await upstream?.close();
    });
    const a = (name: string) => queryDns(server.port, name, QTYPE.A);
    const aaaa = (name: string) => queryDns(server.port, name, QTYPE.AAAA);

    test.each(['a.b.com', 'x.w.com', 'y.w.com', 'deep.er.w.com', 'g.com', 'x.g.com', 'x.y.g.com'])('allowed %s -> the Envoy IP', async (name) => {
      expect((await a(name)).a).toEqual([IP]);
    });

    test.each(['a.b.com', 'y.w.com', 'g.com', 'x.g.com'])('AAAA for allowed %s: no address, nothing forwarded', async (name) => {
      const before = upstream.queries.length;
      const r = await aaaa(name);
      expect(r.aaaa).toEqual([]);
      expect(upstream.queries.slice(before)).toEqual([]);
    });

    test.each(['w.com', 'evilw.com', 'x.evilw.com', 'b.com', 'evilb.com', 'z.a.b.com', 'unlisted.org', 'w.com.evil.org'])(
      '%s is not answered with the Envoy IP',
      async (name) => {
        const r = await a(name);
        expect(r.a).not.toContain(IP);
        if (strict) expect(r.a).toEqual([]);
      },
    );

    test('unlisted names: forwarded upstream (default) or NXDOMAIN (strict)', async () => {
      const r = await a('unlisted.org');
      if (strict) expect(r.rcode).toBe(RCODE.NXDOMAIN);
      else expect(r.a).toEqual([UPSTREAM_A]);
    });

    test('Azure-internal names always reach upstream', async () => {
      expect((await a('vm1.internal.cloudapp.net')).a).toEqual([UPSTREAM_A]);
    });
  });
});
