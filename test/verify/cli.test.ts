/** The check and explain commands, through the CLI entry point, on freshly synthesized output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../lib/cli/main';
import { cleanup, copyOf, editConfigMapKey, Synthesized, synthFresh } from './verify-helpers';

let s: Synthesized;
beforeAll(() => {
  s = synthFresh();
});
afterAll(() => cleanup(s));

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const sink = (f: (t: string) => void) => new Writable({ write: (chunk, _e, cb) => (f(String(chunk)), cb()) });
  const code = main(args, sink((t) => (out += t)), sink((t) => (err += t)));
  return { code, out, err };
}

const dirs = () => ['--cdktf-out', s.cdktfOut, '--manifests-out', s.manifestsOut];

test('check exits 0 on the default output and says why', () => {
  const r = run(['check', ...dirs()]);
  expect(r.out).toMatch(/^OK: every allowed name resolves to the proxy/m);
  expect(r.code).toBe(0);
});

test('check --json is a machine-readable report', () => {
  const r = run(['check', '--json', ...dirs()]);
  const report = JSON.parse(r.out);
  expect(report.ok).toBe(true);
  expect(report.levels).toEqual(['l4', 'l3', 'l2']);
  expect(report.rules.length).toBeGreaterThanOrEqual(19);
});

test('check exits 1 and names level, name, layer, file and object on a defect', () => {
  const broken = copyOf(s);
  try {
    editConfigMapKey(broken, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => t.replace(/^host-record=github\.com,(.*)$/m, 'address=/github.com/$1'));
    const r = run(['check', '--cdktf-out', broken.cdktfOut, '--manifests-out', broken.manifestsOut]);
    expect(r.code).toBe(1);
    const fileLine = readFileSync(join(broken.manifestsOut, 'l3', 'dnsmasq.yaml'), 'utf8').split('\n').findIndex((l) => l.trim() === 'address=/github.com/172.18.64.4') + 1;
    expect(fileLine).toBeGreaterThan(0);
    expect(r.out).toMatch(new RegExp(`Level l3\\n  \\[dnsmasq\\]\\n    FAIL dnsmasq-denied: .*\\n         names: le-probe\\.github\\.com\\n         at: .*l3/dnsmasq\\.yaml:${fileLine} \\(ConfigMap egress/dnsmasq-config, key dnsmasq\\.conf line \\d+: address=/github\\.com/172\\.18\\.64\\.4\\)`));
    expect(r.out).toMatch(/FAILED: \d+ violation/);
  } finally {
    cleanup(broken);
  }
});

test('explain shows every hop of a wildcard subdomain from the bottom level to the internet', () => {
  const r = run(['explain', 'x.data.mcr.microsoft.com', ...dirs()]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/from level l2/);
  expect(r.out).toMatch(/1\. l2 Envoy: .* -> 172\.18\.64\.4:443/);
  expect(r.out).toMatch(/2\. l3 Envoy: .* -> 172\.16\.64\.4:443/);
  expect(r.out).toMatch(/3\. l4 Envoy: .*dynamic forward proxy/);
  expect(r.out).toMatch(/NSG l2 outbound .*Allow/);
  expect(r.out).toMatch(/=> leaves l4 to the internet: x\.data\.mcr\.microsoft\.com:443/);
});

test('explain says where an unlisted name stops, and --from picks the level', () => {
  const r = run(['explain', 'data.mcr.microsoft.com', '--from', 'l3', ...dirs()]);
  expect(r.out).toMatch(/from level l3/);
  expect(r.out).toMatch(/not allowed/);
  expect(r.out).toMatch(/stops at l3 \[envoy\]: no filter chain/);
  expect(r.code).toBe(0);
});

test('explain without a name is a usage error', () => {
  expect(run(['explain', ...dirs()]).code).toBe(64);
});
