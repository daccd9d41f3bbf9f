import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { transformSync } from '@swc/core';

const PROJECT = resolve(__dirname, '..', '..', '..');
const CHILD = join(__dirname, 'commit-child.ts');
const REGISTER = join(PROJECT, 'test', 'support', 'swc-register.js');

/** Every entry below `dir`, links not followed: `path -> content` for files, `path/` for folders, `path@ -> target` for links. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(dir, path);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) out[`${rel}@`] = readlinkSync(path);
      else if (stats.isDirectory()) {
        out[`${rel}/`] = '';
        walk(path);
      } else out[rel] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

/** Two generations of both trees: B drops level l2, changes l4, adds l3. */
export const OLD = {
  cdktf: { 'manifest.json': '{"v":"old"}\n', 'stacks/l4/cdk.tf.json': '{"l4":"old"}\n', 'stacks/l2/cdk.tf.json': '{"l2":"old"}\n' },
  manifests: { 'l4/envoy.yaml': 'envoy: old\n', 'l4/kustomization.yaml': 'k: old\n', 'l2/envoy.yaml': 'envoy: l2\n', 'l2/kustomization.yaml': 'k: l2\n' },
};
export const NEW = {
  cdktf: { 'manifest.json': '{"v":"new"}\n', 'stacks/l4/cdk.tf.json': '{"l4":"new"}\n', 'stacks/l3/cdk.tf.json': '{"l3":"new"}\n' },
  manifests: { 'l4/envoy.yaml': 'envoy: new\n', 'l4/kustomization.yaml': 'k: new\n', 'l3/envoy.yaml': 'envoy: l3\n', 'l3/kustomization.yaml': 'k: l3\n' },
};
/** Files a user keeps next to the generated ones; they must survive everything. */
export const USER_FILES = {
  'manifests/README.md': 'mine\n',
  'manifests/l2/flux-patch.yaml': 'user: file\n',
  'cdktf.out/stacks/l4/.terraform/state': 'tfstate\n',
};

export type Generation = typeof OLD | typeof NEW;

/** What the child process commits (see commit-child.ts). */
export interface ChildJob {
  readonly trees: ReadonlyArray<{ root: string; files: Record<string, string> }>;
  readonly killAt: number;
  readonly lockWaitMs?: number;
}

export function job(dir: string, generation: Generation, killAt = 0, lockWaitMs?: number): ChildJob {
  return {
    trees: [
      { root: join(dir, 'cdktf.out'), files: generation.cdktf },
      { root: join(dir, 'manifests'), files: generation.manifests },
    ],
    killAt,
    lockWaitMs,
  };
}

export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly report?: { ok: boolean; error?: string; steps: string[] };
  readonly stderr?: string;
}

function parse(stdout: string): ChildResult['report'] {
  try {
    return JSON.parse(stdout) as ChildResult['report'];
  } catch {
    return undefined;
  }
}

let compiledChild: string | undefined;
/**
 * The child and the modules it needs compiled to JavaScript in a world-readable temp
 * folder, for a child that runs as another user (which cannot load @swc/core's native
 * binding itself); bare imports resolve through NODE_PATH.
 */
function childForOtherUsers(): string {
  if (compiledChild) return compiledChild;
  const out = mkdtempSync(join(tmpdir(), 'le-child-'));
  chmodSync(out, 0o755);
  const sources = [
    'test/synth/support/commit-child.ts',
    ...['outputs', 'errors', 'lock', 'safe-paths', 'transaction'].map((m) => `lib/synth/${m}.ts`),
    'lib/model/compare.ts',
  ];
  for (const source of sources) {
    const { code } = transformSync(readFileSync(join(PROJECT, source), 'utf8'), {
      filename: source,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const target = join(out, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, code, { mode: 0o644 });
  }
  for (let d = join(out, 'test/synth/support'); d !== out; d = dirname(d)) chmodSync(d, 0o755);
  chmodSync(join(out, 'lib/synth'), 0o755);
  chmodSync(join(out, 'lib/model'), 0o755);
  chmodSync(join(out, 'lib'), 0o755);
  return (compiledChild = join(out, 'test/synth/support/commit-child.js'));
}

/** Removes the compiled child (call from afterAll where `runChild(..., uid)` was used). */
export function removeCompiledChild(): void {
  if (compiledChild) rmSync(join(compiledChild, '..', '..', '..', '..'), { recursive: true, force: true });
  compiledChild = undefined;
}

/** Runs the commit in a child process (killed at step `killAt` when > 0), as another user when `asUser` is a uid (needs root and setpriv). */
export function runChild(j: ChildJob, asUser?: number): ChildResult {
  if (asUser !== undefined) {
    const r = spawnSync('setpriv', [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, childForOtherUsers(), JSON.stringify(j)], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: join(PROJECT, 'node_modules') },
    });
    return { status: r.status, signal: r.signal, report: parse(r.stdout), stderr: r.stderr };
  }
  const node = [process.execPath, '-r', REGISTER, CHILD, JSON.stringify(j)];
  const r = spawnSync(node[0], node.slice(1), { cwd: PROJECT, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, report: parse(r.stdout), stderr: r.stderr };
}

/** Starts several commits at once and waits for all. */
export function runChildrenAtOnce(jobs: readonly ChildJob[]): Promise<ChildResult[]> {
  return Promise.all(
    jobs.map(
      (j) =>
        new Promise<ChildResult>((done) => {
          const child = spawn(process.execPath, ['-r', REGISTER, CHILD, JSON.stringify(j)], { cwd: PROJECT });
          let stdout = '';
          child.stdout.on('data', (d) => (stdout += String(d)));
          child.on('close', (status, signal) => done({ status, signal, report: parse(stdout) }));
        }),
    ),
  );
}
