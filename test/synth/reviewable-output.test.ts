/**
 * The generated files are read in pull requests: no line too long to review, and a
 * one-domain change to the allow-list shows as a few lines per file, not as a rewritten
 * line of several kilobytes.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '../../lib/model';
import { envoyHeapBytes } from '../../lib/model/envoy-sizing';
import { synthManifests } from '../../lib/synth/manifests';
import { synthTerraform } from '../../lib/synth/terraform';
import { renderEnvoyBootstrap } from '../../lib/render/envoy-bootstrap';
import { envoyBootstrapYaml } from '../../lib/render/envoy-yaml';
import { mapContainerPorts } from '../../lib/render/ports';
import { ManifestSizeError } from '../../lib/workloads/common';
import { parseManifest } from '../support/kubernetes-validator';

const MAX_LINE = 200;
const shipped = readFileSync('infra/egress.yaml', 'utf8');

function synth(configText: string): Map<string, string> {
  const model = parseConfig(configText, 'egress.yaml');
  const files = new Map<string, string>();
  for (const [f, text] of synthTerraform(model)) files.set(`cdktf.out/${f}`, text);
  for (const [f, text] of synthManifests(model)) files.set(`manifests/${f}`, text);
  return files;
}

/** Lines removed plus lines added between two texts (longest common subsequence). */
function changedLines(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    prev = row;
  }
  return a.length + b.length - 2 * prev[b.length];
}

function diffPerFile(before: Map<string, string>, after: Map<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of new Set([...before.keys(), ...after.keys()])) {
    const n = changedLines(before.get(f) ?? '', after.get(f) ?? '');
    if (n > 0) out[f] = n;
  }
  return out;
}

const withEntry = (entry: string) => `${shipped.trimEnd()}\n${entry}`;
const base = synth(shipped);

describe('generated files are reviewable', () => {
  test(`no generated line in manifests/ or cdktf.out/ is longer than ${MAX_LINE} characters`, () => {
    const long = [...base].flatMap(([f, text]) =>
      text.split('\n').flatMap((line, i) => (line.length > MAX_LINE ? [`${f}:${i + 1} (${line.length} characters)`] : [])),
    );
    expect(base.size).toBeGreaterThan(10);
    expect(long).toEqual([]);
  });

  test('the committed manifests/ hold the same line lengths (the Envoy config is block YAML, not one JSON line)', () => {
    for (const level of ['l2', 'l3', 'l4']) {
      const text = readFileSync(`manifests/${level}/envoy.yaml`, 'utf8');
      expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE);
      const bootstrap: string = (parseManifest(text) as any[]).find((o) => o.kind === 'ConfigMap').data['envoy.yaml'];
      expect(bootstrap.split('\n').length).toBeGreaterThan(100);
    }
  });

  test('a wildcard domain added to the list changes at most a handful of lines per file', () => {
    const diff = diffPerFile(base, synth(withEntry('  - domain: "*.contoso-review.com"\n    purpose: review\n')));
    // Every level's Envoy, CoreDNS and (above the bottom) dnsmasq see the new name.
    expect(Object.keys(diff).sort()).toEqual(
      ['l2/coredns.yaml', 'l2/envoy.yaml', 'l3/coredns.yaml', 'l3/dnsmasq.yaml', 'l3/envoy.yaml', 'l4/coredns.yaml', 'l4/dnsmasq.yaml', 'l4/envoy.yaml'].map(
        (f) => `manifests/${f}`,
      ),
    );
    for (const [file, n] of Object.entries(diff)) expect([file, n <= 6]).toEqual([file, true]);
  });

  test('an exact domain added to the list changes a handful of lines per file; the top Envoy gains one contiguous chain and cluster', () => {
    const diff = diffPerFile(base, synth(withEntry('  - domain: api.contoso-review.com\n    purpose: review\n')));
    const { 'manifests/l4/envoy.yaml': top, ...rest } = diff;
    for (const [file, n] of Object.entries(rest)) expect([file, n <= 6]).toEqual([file, true]);
    // A LOGICAL_DNS cluster and its filter chain: new lines only, plus the checksum annotation.
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThanOrEqual(50);
  });
});

describe('Envoy bootstrap YAML', () => {
  const bootstrap = renderEnvoyBootstrap({
    level: 'l4',
    entries: [
      { pattern: '*.b.com', kind: 'wildcard', domain: 'b.com', ports: [443] },
      { pattern: 'a.b.com', kind: 'exact', domain: 'a.b.com', ports: [443, 8883] },
    ],
    ports: [
      { servicePort: 443, containerPort: 10443 },
      { servicePort: 8883, containerPort: 18883 },
    ],
    upstreamDns: ['168.63.129.16'],
    maxConnections: 10000,
    maxHeapBytes: 966367641,
  });

  test('reads back to the very same object (folded access-log format included)', () => {
    const text = envoyBootstrapYaml(bootstrap);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(bootstrap)));
    expect(text).toContain('\n        - name: ');
  });

  test('strings stay strings for YAML 1.1 readers too (Envoy reads plain no/on/y as booleans)', () => {
    for (const level of ['no', 'on', 'y', 'off', 'yes']) {
      const withLevel = renderEnvoyBootstrap({
        level,
        entries: [{ pattern: 'a.b.com', kind: 'exact', domain: 'a.b.com', ports: [443] }],
        ports: [{ servicePort: 443, containerPort: 10443 }],
        upstreamIp: '172.16.64.4',
        upstreamDns: ['168.63.129.16'],
        maxConnections: 10000,
        maxHeapBytes: 966367641,
      });
      const text = envoyBootstrapYaml(withLevel);
      const plain = JSON.parse(JSON.stringify(withLevel));
      expect(text).toContain(`id: "${level}"`);
      expect(parse(text, { version: '1.1' })).toEqual(plain);
      expect(parse(text, { version: '1.2' })).toEqual(plain);
    }
  });

  test('same input, same bytes', () => {
    expect(envoyBootstrapYaml(bootstrap)).toBe(envoyBootstrapYaml(JSON.parse(JSON.stringify(bootstrap))));
  });
});

describe('ConfigMap size guard', () => {
  test('measures the YAML text the ConfigMap holds, not a more compact form', () => {
    // 700 exact names at the top: the YAML passes 1 MiB, the same bootstrap as JSON would not.
    const entries = Array.from({ length: 700 }, (_, i) => `  - domain: host${i}.contoso-size.net\n`).join('');
    const text = `name: edge\nlocation: westeurope\nlevels:\n  - name: l4\n    addressSpace: 172.16.0.0/16\nallowList:\n${entries}`;
    const model = parseConfig(text, 'egress.yaml');
    const bootstrap = renderEnvoyBootstrap({
      level: 'l4',
      entries: model.allowEntries,
      ports: mapContainerPorts([443]),
      upstreamDns: model.workloads.envoy.upstreamDns,
      maxConnections: model.workloads.envoy.maxConnections,
      maxHeapBytes: envoyHeapBytes(model.workloads.envoy.resources.memory),
      exactNamesVia: model.workloads.envoy.exactNamesVia,
    });
    const yamlBytes = Buffer.byteLength('envoy.yaml') + Buffer.byteLength(envoyBootstrapYaml(bootstrap));
    expect(Buffer.byteLength(JSON.stringify(bootstrap))).toBeLessThan(1024 * 1024);
    let error: unknown;
    try {
      synth(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestSizeError);
    expect((error as Error).message).toContain(`ConfigMap egress/envoy-config holds ${yamlBytes} bytes`);
  });
});
