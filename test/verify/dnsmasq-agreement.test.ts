/**
 * The dnsmasq model agrees with the real thing: Debian's dnsmasq runs on a loopback high
 * port with each synthesized dnsmasq.conf (its upstream replaced by a fake that answers
 * every name, so a leak is visible) plus hand-written tricky configs, and its answers
 * for every probe name (A and AAAA) must equal lib/verify's prediction.
 * Skips with a message when dnsmasq is absent, unless CI=true (then it fails).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { answerDnsmasq, DnsmasqOutcome } from '../../lib/verify/engines/dnsmasq';
import { intentFromModel } from '../../lib/verify';
import { parseDnsmasqConf } from '../../lib/verify/parse/dnsmasq';
import { probesFor } from '../../lib/verify/probes';
import { queryDns } from '../support/dns-probe-client';
import { findDnsmasq, prepareDnsmasqConf, startDnsmasq } from '../support/dnsmasq-runner';
import { FakeUpstream, startFakeUpstream, UPSTREAM_A, UPSTREAM_AAAA } from '../support/fake-upstream-dns';
import { QTYPE } from '../support/dns-wire';
import { cleanup, Synthesized, synthFresh } from './verify-helpers';

const binary = findDnsmasq();
if (!binary && process.env.CI === 'true') throw new Error('dnsmasq is not installed, and CI=true: the agreement test must run in CI (apt-get install dnsmasq)');
const maybe = binary ? describe : describe.skip;
if (!binary) console.warn('dnsmasq-agreement: SKIPPED, dnsmasq is not installed (apt-get install dnsmasq); CI=true makes this a failure');

type Outcome = string;

function predicted(o: DnsmasqOutcome): Outcome {
  switch (o.kind) {
    case 'answer':
      return `answer ${[...o.ips].sort().join(',')}`;
    case 'forward':
      return 'forward';
    default:
      return o.kind;
  }
}

async function real(port: number, upstream: FakeUpstream, name: string, qtype: 'A' | 'AAAA'): Promise<Outcome> {
  const before = upstream.queries.length;
  const r = await queryDns(port, name, QTYPE[qtype]);
  const forwarded = upstream.queries.slice(before).some((q) => q.name === name.toLowerCase());
  const ips = qtype === 'A' ? r.a : r.aaaa;
  if (forwarded || ips.includes(UPSTREAM_A) || ips.includes(UPSTREAM_AAAA)) return 'forward';
  if (r.rcode === 3) return 'nxdomain';
  if (r.rcode === 5) return 'refused';
  if (ips.length > 0) return `answer ${[...ips].sort().join(',')}`;
  return 'nodata';
}

const TRICKY = `address=/b.com/10.0.0.4
local=/b.com/
address=/*.w.com/10.0.0.4
local=/*.w.com/
host-record=a.e.com,10.0.0.4
local=/a.e.com/
host-record=x.f.com,10.0.0.4
address=/g.com/10.0.0.4
address=/*h.com/10.0.0.4
address=/*.i.com/10.0.0.4
address=/j.com/10.0.0.4
address=/k.j.com/
address=/*.l.com/10.0.0.4
address=/l.com/
address=/.m.com/10.0.0.4
server=/n.com/
address=/o.com/10.0.0.4
server=/p.o.com/1.1.1.1
local=/*.r.com/
host-record=s.r.com,10.0.0.4
server=1.1.1.1
no-resolv
`;
const TRICKY_NAMES = [
  'b.com',
  'x.b.com',
  'w.com',
  'x.w.com',
  'x.y.w.com',
  'a.e.com',
  'z.a.e.com',
  'e.com',
  'x.f.com',
  'g.com',
  'hh.com',
  'h.com',
  'x.h.com',
  'x.i.com',
  'i.com',
  'k.j.com',
  'z.k.j.com',
  'j.com',
  'x.l.com',
  'l.com',
  'm.com',
  'x.m.com',
  'n.com',
  'x.n.com',
  'p.o.com',
  'x.p.o.com',
  'unlisted.org',
  'r.com',
  'x.r.com',
  's.r.com',
  'X.B.COM',
];

async function compare(conf: string, names: readonly string[], upstream: FakeUpstream): Promise<string[]> {
  const model = parseDnsmasqConf(conf);
  const instance = await startDnsmasq(binary!, prepareDnsmasqConf(conf, upstream.port, '/tmp'));
  const diffs: string[] = [];
  try {
    for (const name of names) {
      for (const qtype of ['A', 'AAAA'] as const) {
        const want = predicted(answerDnsmasq(model, name, qtype));
        const got = await real(instance.port, upstream, name, qtype);
        if (want !== got) diffs.push(`${name} ${qtype}: lib/verify predicts '${want}', dnsmasq answers '${got}'`);
      }
    }
  } finally {
    await instance.stop();
  }
  return diffs;
}

maybe('real dnsmasq agrees with lib/verify', () => {
  let s: Synthesized;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    s = synthFresh();
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await upstream?.close();
    if (s) cleanup(s);
  });

  test('hand-written configs with every pattern form (apex, *., *b, /./, local=, server=, nested NXDOMAIN, host-record)', async () => {
    expect(await compare(TRICKY, TRICKY_NAMES, upstream)).toEqual([]);
    expect(await compare(`${TRICKY}address=/#/\n`, TRICKY_NAMES, upstream)).toEqual([]);
  }, 60000);

  test('every synthesized dnsmasq.conf, for every probe name', async () => {
    const names = probesFor(intentFromModel(s.model)).map((p) => p.name);
    let compared = 0;
    for (const level of s.model.levels) {
      let conf: string | undefined;
      for (const f of ['dnsmasq.yaml']) {
        try {
          const docs = parseAllDocuments(readFileSync(join(s.manifestsOut, level.name, f), 'utf8')).map((d) => d.toJS());
          conf = docs.find((d) => typeof d?.data?.['dnsmasq.conf'] === 'string')?.data['dnsmasq.conf'];
        } catch {
          /* level without dnsmasq */
        }
      }
      if (!conf) continue;
      expect(await compare(conf, names, upstream)).toEqual([]);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(s.model.levels.length - 1);
  }, 120000);
});
