import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE } from '../../lib/synth/lock';
import { recoverOutputs, writeOutputTrees } from '../../lib/synth/outputs';
import { job, NEW, OLD, runChild, runChildrenAtOnce, snapshot, USER_FILES, writeFiles, Generation } from './support/trees';

/**
 * Kill -9 at every step of the write sequence, then recover: both trees must be exactly
 * the old or exactly the new generation, with the user's files intact and nothing of
 * the tool's left behind (no staging, journal, lock or temp file, no empty folder).
 */
const scratch = mkdtempSync(join(tmpdir(), 'le-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function commitInProcess(dir: string, generation: Generation): void {
  writeOutputTrees([
    { root: join(dir, 'cdktf.out'), files: new Map(Object.entries(generation.cdktf)) },
    { root: join(dir, 'manifests'), files: new Map(Object.entries(generation.manifests)) },
  ]);
}

const base = join(scratch, 'base');
commitInProcess(base, OLD);
writeFiles(base, USER_FILES);
const oldState = snapshot(base);
let copies = 0;
const copyOfBase = () => {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(base, dir, { recursive: true });
  return dir;
};
const newState = (() => {
  const dir = copyOfBase();
  commitInProcess(dir, NEW);
  return snapshot(dir);
})();

test('the generations differ in every way a commit can (write, replace, delete, new and removed folders)', () => {
  expect(Object.keys(oldState)).toEqual(expect.arrayContaining(['manifests/l2/envoy.yaml', 'cdktf.out/stacks/l2/']));
  expect(Object.keys(newState)).toEqual(expect.arrayContaining(['manifests/l3/envoy.yaml', 'cdktf.out/stacks/l3/', 'manifests/l2/flux-patch.yaml']));
  expect(Object.keys(newState)).not.toContain('cdktf.out/stacks/l2/');
  expect(newState['manifests/l4/envoy.yaml']).toBe('envoy: new\n');
});

describe('SIGKILL at each step of the write sequence', () => {
  const dir = copyOfBase();
  const full = runChild(job(dir, NEW));
  const steps = full.report?.steps ?? [];
  // The journal's rename is the commit point: a kill at any step up to it leaves the old state.
  const commitPoint = steps.indexOf('journal: temp file written, before its rename') + 1;

  test('an uninterrupted child run goes through lock, staging, journal, apply and clean-up', () => {
    expect(full.status).toBe(0);
    expect(snapshot(dir)).toEqual(newState);
    expect(commitPoint).toBeGreaterThan(5);
    expect(steps.some((s) => s.startsWith('apply '))).toBe(true);
    expect(steps.some((s) => s.startsWith('clean '))).toBe(true);
  });

  test.each(steps.map((what, i) => [i + 1, what] as const))('killed before step %i (%s): recovery leaves exactly the old or the new state', (k) => {
    const copy = copyOfBase();
    const killed = runChild(job(copy, NEW, k));
    expect(killed.signal).toBe('SIGKILL');
    recoverOutputs([join(copy, 'cdktf.out'), join(copy, 'manifests')]);
    expect(snapshot(copy)).toEqual(k <= commitPoint ? oldState : newState);
    // And the next real run simply works.
    commitInProcess(copy, NEW);
    expect(snapshot(copy)).toEqual(newState);
    rmSync(copy, { recursive: true, force: true });
  });
});

test('a run killed before the commit point is rolled back by the next synth, whatever it writes', () => {
  const copy = copyOfBase();
  const dir = copyOfBase();
  const steps = runChild(job(dir, NEW)).report!.steps;
  const lastStaging = steps
    .map((s, i) => [s, i + 1] as const)
    .filter(([s]) => s.startsWith('stage '))
    .pop()![1];
  expect(runChild(job(copy, NEW, lastStaging)).signal).toBe('SIGKILL');
  commitInProcess(copy, OLD);
  expect(snapshot(copy)).toEqual(oldState);
});

test('concurrent runs never produce a mixed tree: each waits for the lock, the last one wins whole', async () => {
  for (let round = 0; round < 2; round++) {
    const copy = copyOfBase();
    const results = await runChildrenAtOnce([job(copy, NEW), job(copy, OLD), job(copy, NEW), job(copy, OLD)]);
    expect(results.map((r) => [r.status, r.report?.ok])).toEqual(Array(4).fill([0, true]));
    expect([oldState, newState]).toContainEqual(snapshot(copy));
  }
});

test("several runs at once find a killed run's lock: exactly one takes it over at a time, and the tree ends whole", async () => {
  const copy = copyOfBase();
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  for (const folder of ['cdktf.out', 'manifests']) {
    writeFileSync(
      join(copy, folder, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'killed', token: '00000000deadbeef' }),
    );
  }
  const results = await runChildrenAtOnce([job(copy, NEW), job(copy, OLD), job(copy, NEW)]);
  expect(results.map((r) => [r.status, r.report?.ok])).toEqual(Array(3).fill([0, true]));
  expect([oldState, newState]).toContainEqual(snapshot(copy));
});

describe('the whole synth (real config, cdktf and cdk8s), killed in each phase of its commit', () => {
  const register = join(__dirname, '..', 'support', 'swc-register.js');
  const child = join(__dirname, 'support', 'synth-child.ts');
  const dir = join(scratch, 'real');
  const configs = { old: join(scratch, 'old.yaml'), new: join(scratch, 'new.yaml') };
  const defaultConfig = readFileSync('infra/egress.yaml', 'utf8');
  writeFileSync(configs.old, defaultConfig);
  // The new generation drops the bottom level and adds an entry: files change, appear and go.
  writeFileSync(configs.new, defaultConfig.replace(/  - name: l2\n    addressSpace: 172\.20\.0\.0\/16\n/, '') + '  - domain: new.contoso.com\n');
  const run = (config: string, folder: string, killBefore = '') =>
    spawnSync(process.execPath, ['-r', register, child, config, join(folder, 'cdktf.out'), join(folder, 'manifests'), killBefore], { encoding: 'utf8' });
  expect(run(configs.old, dir).status).toBe(0);
  const realOld = snapshot(dir);
  const realNew = (() => {
    const other = join(scratch, 'real-new');
    cpSync(dir, other, { recursive: true });
    expect(run(configs.new, other).status).toBe(0);
    return snapshot(other);
  })();

  test.each([
    ['stage manifests: l3/', realOld],
    ['journal: temp file written', realOld],
    ['apply manifests: move', realNew],
    ['apply manifests: delete l2/', realNew],
    ['clean manifests', realNew],
  ])('killed before "%s": recovery leaves exactly that generation of both trees', (step, expected) => {
    const copy = join(scratch, `real-${++copies}`);
    cpSync(dir, copy, { recursive: true });
    const killed = run(configs.new, copy, step);
    expect(killed.signal).toBe('SIGKILL');
    recoverOutputs([join(copy, 'cdktf.out'), join(copy, 'manifests')]);
    expect(snapshot(copy)).toEqual(expected);
  });
});

test("a killed run into another pair of folders sharing one of ours (npx cdk8s synth's manifests/ and scratch folder) is finished too", () => {
  const copy = copyOfBase();
  const other = join(copy, 'cdk8s.out');
  const pair = {
    trees: [
      { root: join(copy, 'manifests'), files: NEW.manifests },
      { root: other, files: NEW.manifests },
    ],
    killAt: 0,
  };
  const steps = runChild(pair).report!.steps;
  rmSync(other, { recursive: true });
  const copy2 = copyOfBase();
  const other2 = join(copy2, 'cdk8s.out');
  const killAt = steps.findIndex((s) => s.startsWith('apply manifests: move')) + 1;
  const killed = runChild({
    trees: [
      { root: join(copy2, 'manifests'), files: NEW.manifests },
      { root: other2, files: NEW.manifests },
    ],
    killAt,
  });
  expect(killed.signal).toBe('SIGKILL');
  const { recovery } = writeOutputTrees([
    { root: join(copy2, 'cdktf.out'), files: new Map(Object.entries(OLD.cdktf)) },
    { root: join(copy2, 'manifests'), files: new Map(Object.entries(NEW.manifests)) },
  ]);
  expect(recovery.rolledForward).toEqual(expect.arrayContaining([join(copy2, 'manifests'), other2]));
  expect(Object.keys(snapshot(other2)).filter((k) => k.includes('layered-egress-') && !k.endsWith('owned'))).toEqual([]);
  expect(snapshot(other2)['l3/envoy.yaml']).toBe('envoy: l3\n');
});
