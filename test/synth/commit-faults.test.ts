import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const lastStaging = steps.map((s, i) => [s, i + 1] as const).filter(([s]) => s.startsWith('stage ')).pop()![1];
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
