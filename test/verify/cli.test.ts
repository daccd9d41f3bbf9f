/** The check and explain commands, through the CLI entry point, on freshly synthesized output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../lib/cli/main';
import { parseConfig } from '../../lib/model';
import { parseDomain } from '../../lib/model/domain';
import { BASE } from '../support/configs';
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
  const code = main(
    args,
    sink((t) => (out += t)),
    sink((t) => (err += t)),
  ) as number;
  return { code, out, err };
}

const dirs = () => ['--cdktf-out', s.cdktfOut, '--manifests-out', s.manifestsOut];

test('check exits 0 on the default output and says why', () => {
  const r = run(['check', ...dirs()]);
  expect(r.out).toMatch(/^OK: every allowed name resolves to the proxy/m);
  expect(r.out).toMatch(
    /unlisted names at every dnsmasq: NXDOMAIN \(strict\), except \d+ declared zone\(s\) forwarded upstream \(the top level to 168\.63\.129\.16, each level below to its parent's DNS\)/,
  );
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
    const fileLine =
      readFileSync(join(broken.manifestsOut, 'l3', 'dnsmasq.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.trim() === 'address=/github.com/172.18.64.4') + 1;
    expect(fileLine).toBeGreaterThan(0);
    expect(r.out).toMatch(
      new RegExp(
        `Level l3\\n  \\[dnsmasq\\]\\n    FAIL dnsmasq-denied: .*\\n         names: le-probe\\.github\\.com\\n         at: .*l3/dnsmasq\\.yaml:${fileLine} \\(ConfigMap egress/dnsmasq-config, key dnsmasq\\.conf line \\d+: address=/github\\.com/172\\.18\\.64\\.4\\)`,
      ),
    );
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

test('every verb has its own --help, and --version prints the package version', () => {
  for (const [verb, head] of [
    ['check', /^Usage: layered-egress check /],
    ['explain', /^Usage: layered-egress explain <name> /],
    ['synth', /^Usage: layered-egress synth /],
  ] as const) {
    const r = run([verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(head);
    expect(r.out).toMatch(/Exit codes:/);
  }
  const v = run(['--version']);
  expect(v.code).toBe(0);
  expect(v.out).toBe(`layered-egress ${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
});

test('explain refuses a string that is not a name with the message synth gives, exit 64', () => {
  const r = run(['explain', 'graph.microsoft.com/', ...dirs()]);
  expect(r.code).toBe(64);
  const rule = parseDomain('graph.microsoft.com/', 'westeurope');
  expect(rule.ok).toBe(false);
  expect(r.err).toContain(`"graph.microsoft.com/": ${(rule as { rule: string }).rule}`);
  // the same rule text synth reports for the same value in the config
  expect(() => parseConfig(`${BASE}  - domain: graph.microsoft.com/\n`, 'x.yaml')).toThrow((rule as { rule: string }).rule);
});

test('explain: an unknown level and a bad port are usage errors (64)', () => {
  const level = run(['explain', 'github.com', '--from', 'l9', ...dirs()]);
  expect(level.code).toBe(64);
  expect(level.err).toMatch(/unknown level 'l9': the levels are l4, l3, l2/);
  expect(run(['explain', 'github.com', '--port', '70000', ...dirs()]).code).toBe(64);
});

test('explain --port N explains that port only, with the purpose from the config', () => {
  const ok = run(['explain', 'github.com', '--port', '443', ...dirs()]);
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(/purpose: gitops \(Git host over HTTPS\)/);
  expect(ok.out).toMatch(/TLS :443/);
  const other = run(['explain', 'github.com', '--port', '8084', ...dirs()]);
  expect(other.out).toMatch(/port 8084: not allowed for this name/);
  expect(other.out).not.toMatch(/TLS :443/);
  expect(other.out).toMatch(/stops at l2 \[envoy\]: no filter chain/);
  expect(other.code).toBe(0);
});

test('check on a folder with no synthesized output prints one line saying what to run', () => {
  const r = run(['check', '--cdktf-out', '/nonexistent/cdktf.out', '--manifests-out', '/nonexistent/manifests']);
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(/run `npm run synth`/);
});

test('check and check --json carry the purpose of the names in findings', () => {
  const broken = copyOf(s);
  try {
    editConfigMapKey(broken, 'l3', 'dnsmasq.yaml', 'dnsmasq.conf', (t) => t.replace(/^host-record=github\.com,.*$/m, 'host-record=github.com,10.9.9.9'));
    const r = run(['check', '--json', '--cdktf-out', broken.cdktfOut, '--manifests-out', broken.manifestsOut]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    const f = report.findings.find((x: any) => x.rule === 'dnsmasq-allowed' && x.name === 'github.com');
    expect(f).toMatchObject({ level: 'l3', layer: 'dnsmasq', purpose: 'gitops (Git host over HTTPS)' });
    expect(f.source.file).toMatch(/l3\/dnsmasq\.yaml$/);
    expect(f.source.line).toBeGreaterThan(11);
    const text = run(['check', '--cdktf-out', broken.cdktfOut, '--manifests-out', broken.manifestsOut]).out;
    expect(text).toMatch(/FAIL dnsmasq-allowed: .*\n\s+names: github\.com\n\s+purpose: gitops \(Git host over HTTPS\)\n\s+at: \S+l3\/dnsmasq\.yaml:\d+ /);
  } finally {
    cleanup(broken);
  }
});
