/**
 * lib/verify must stay independent of the code that writes the artifacts: it may import
 * lib/model (the intended levels and allow-list) and libraries, never lib/render,
 * lib/network, lib/workloads, lib/synth or the CDKs, so a renderer bug cannot hide
 * behind itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const VERIFY = join(ROOT, 'lib/verify');
const FORBIDDEN_DIRS = ['lib/render', 'lib/network', 'lib/workloads', 'lib/synth', 'infra'];
const FORBIDDEN_PACKAGES = [/^cdktf/, /^cdk8s/, /^@cdktf\//];

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

test('lib/verify imports nothing that writes the artifacts', () => {
  const offences: string[] = [];
  const all = files(VERIFY);
  expect(all.length).toBeGreaterThan(10);
  for (const file of all) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const rel = relative(ROOT, file);
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (FORBIDDEN_DIRS.some((d) => target === d || target.startsWith(`${d}/`))) offences.push(`${rel} imports ${spec}`);
      } else if (FORBIDDEN_PACKAGES.some((re) => re.test(spec))) offences.push(`${rel} imports ${spec}`);
    }
  }
  expect(offences).toEqual([]);
});

test('the scanner sees a forbidden import', () => {
  expect(importsOf("import { x } from '../render/envoy';\nconst y = require('../network/app');")).toEqual(['../render/envoy', '../network/app']);
});
