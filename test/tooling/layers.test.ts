/**
 * The folder layout is the architecture, and imports must follow it:
 *
 * - lib/model (the config, its checks and the plans derived from it) imports no other
 *   layer: the renderers, constructs and verifier all read it, never the reverse;
 * - lib/render (pure renderers) imports only lib/model;
 * - lib/verify must stay independent of the code that writes the artifacts: it may import
 *   lib/model (the intended levels and allow-list) and libraries, never lib/render,
 *   lib/network, lib/workloads, lib/synth, the CDKs, or the model's own plans of what gets
 *   written (the NSG plan, the Azure names), so a writer's bug cannot hide behind itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const WRITERS = ['lib/render', 'lib/network', 'lib/workloads', 'lib/synth', 'infra'];
const LAYERS: ReadonlyArray<{ dir: string; forbidden: readonly string[]; packages?: readonly RegExp[] }> = [
  { dir: 'lib/model', forbidden: [...WRITERS, 'lib/verify', 'lib/cli', 'lib/diagram', 'lib/plan'] },
  { dir: 'lib/render', forbidden: ['lib/network', 'lib/workloads', 'lib/synth', 'infra', 'lib/verify', 'lib/cli', 'lib/diagram', 'lib/plan'] },
  {
    dir: 'lib/verify',
    forbidden: [...WRITERS, 'lib/model/nsg-plan', 'lib/model/azure-names'],
    packages: [/^cdktf/, /^cdk8s/, /^@cdktf\//],
  },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g))
    out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

test.each(LAYERS.map((l) => [l.dir, l]))('%s imports no layer above it', (_dir, layer) => {
  const offences: string[] = [];
  const all = files(join(ROOT, layer.dir));
  expect(all.length).toBeGreaterThan(3);
  for (const file of all) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const rel = relative(ROOT, file);
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (layer.forbidden.some((d) => target === d || target.startsWith(`${d}/`))) offences.push(`${rel} imports ${spec}`);
      } else if ((layer.packages ?? []).some((re) => re.test(spec))) offences.push(`${rel} imports ${spec}`);
    }
  }
  expect(offences).toEqual([]);
});

test('the scanner sees a forbidden import', () => {
  expect(importsOf("import { x } from '../render/envoy';\nconst y = require('../network/app');")).toEqual(['../render/envoy', '../network/app']);
});

test("the CLI's static imports leave out the verifier, Graphviz and the library barrel: synth, in every pipeline, does not load them", () => {
  const text = readFileSync(join(ROOT, 'lib/cli/main.ts'), 'utf8');
  const staticImports = [...text.matchAll(/^import\s[^;]*?from\s*'([^']+)'/gm)].map((m) => m[1]);
  expect(staticImports.length).toBeGreaterThan(3);
  expect(staticImports.filter((s) => ['..', '../index', '../verify/cli', '../verify', '../diagram/command', '../plan/command'].includes(s))).toEqual([]);
  expect(staticImports).toContain('../verify/help');
});
