/**
 * A clone of the repository is all a reader has: no comment or doc may send them to a
 * file outside it, and every `docs/*.md` a comment names must exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['lib', 'infra', 'scripts', 'docs', 'test', 'bench', 'README.md'];
const SKIP = new Set(['node_modules', 'dist', '__snapshots__']);

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((name) => (SKIP.has(name) ? [] : files(join(path, name))));
}

const texts = ROOTS.flatMap(files)
  .filter((f) => /\.(ts|js|mjs|md|json|yaml)$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));

test('no file points at a folder outside the repository', () => {
  // Built from parts so this file does not match itself.
  const outside = new RegExp(['shared', 'reference'].join('/') + '|\\.\\./' + 'shared');
  const hits = texts.flatMap(({ file, text }) => text.split('\n').flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}`] : [])));
  expect(texts.length).toBeGreaterThan(50);
  expect(hits).toEqual([]);
});

test('every docs/*.md that a file names exists', () => {
  const named = new Set(texts.flatMap(({ text }) => [...text.matchAll(/\bdocs\/([a-z-]+\.md)\b/g)].map((m) => m[1])));
  expect(named.has('semantics.md')).toBe(true);
  expect([...named].filter((name) => !existsSync(join('docs', name)))).toEqual([]);
});
