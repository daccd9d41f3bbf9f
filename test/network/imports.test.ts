import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The provider's package root (and its `lib` barrel) loads every resource class: seconds
 * and hundreds of MiB per synth (its index requires every resource class). Only deep imports, and
 * only in lib/network/azurerm/, one module per resource family.
 */
const ROOT = join(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', 'cdktf.out', 'manifests', '.git', '.gen']);
const SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(@cdktf\/provider-azurerm(?:\/[^'"]*)?)\1/g;
const BARREL = /^@cdktf\/provider-azurerm(?:\/lib)?(?:\/index(?:\.js)?)?\/?$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (SKIP.has(e.name) || path === __filename) return []; // this file quotes root imports as samples
    return e.isDirectory() ? sourceFiles(path) : /\.(ts|tsx|mts|cts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function providerImports(): Array<{ file: string; specifier: string }> {
  return sourceFiles(ROOT).flatMap((path) => {
    const file = relative(ROOT, path).split(sep).join('/');
    return [...readFileSync(path, 'utf8').matchAll(SPECIFIER)].map((m) => ({ file, specifier: m[2] }));
  });
}

test('the guard recognises root imports in every form', () => {
  // Built from parts so that text searches for real root imports do not find these samples.
  const pkg = ['@cdktf', 'provider-azurerm'].join('/');
  const samples = [
    `import * as az from '${pkg}';`,
    `import { provider } from "${pkg}"`,
    `const az = require('${pkg}/lib')`,
    `await import('${pkg}/lib/index.js')`,
    `export * from '${pkg}';`,
  ];
  for (const s of samples) expect([...s.matchAll(SPECIFIER)].map((m) => BARREL.test(m[2]))).toEqual([true]);
  expect([..."import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';".matchAll(SPECIFIER)].map((m) => BARREL.test(m[2]))).toEqual([false]);
});

test('no source file imports @cdktf/provider-azurerm from its package root', () => {
  expect(providerImports().filter((i) => BARREL.test(i.specifier))).toEqual([]);
});

test('provider imports live only in lib/network/azurerm/', () => {
  const found = providerImports();
  expect(found.length).toBeGreaterThan(0);
  // examples/ are users' apps, which import their own resources (still by deep path: the test above).
  const misplaced = found.filter((i) => !i.file.startsWith('lib/network/azurerm/') && !i.file.startsWith('examples/'));
  expect(misplaced.map((i) => `${i.file}: ${i.specifier}`)).toEqual([]);
});
