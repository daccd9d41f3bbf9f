import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from '../../lib/synth/errors';
import { LOCK_FILE } from '../../lib/synth/lock';
import { OutputTree, writeOutputTrees } from '../../lib/synth/outputs';
import { JOURNAL, STAGING } from '../../lib/synth/transaction';
import { chmodSync } from 'node:fs';
import { job, NEW, OLD, removeCompiledChild, runChild, snapshot, USER_FILES, writeFiles, Generation } from './support/trees';

const scratch = mkdtempSync(join(tmpdir(), 'le-safety-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(scratch, `case-${++n}`);

const trees = (dir: string, generation: Generation): OutputTree[] => [
  { root: join(dir, 'cdktf.out'), files: new Map(Object.entries(generation.cdktf)) },
  { root: join(dir, 'manifests'), files: new Map(Object.entries(generation.manifests)) },
];

/** A folder with the old generation committed and the user's files next to it, plus an "outside" folder with its own files. */
function setUp() {
  const dir = fresh();
  writeOutputTrees(trees(dir, OLD));
  writeFiles(dir, USER_FILES);
  const outside = join(dir, '..', `outside-${n}`);
  writeFiles(outside, {
    'envoy.yaml': 'precious\n',
    'kustomization.yaml': 'precious\n',
    'cdk.tf.json': 'precious\n',
    'l2/envoy.yaml': 'precious\n',
    file: 'precious\n',
  });
  return { dir, outside };
}

function expectRefused(dir: string, pattern: RegExp): OutputError {
  let error: unknown;
  try {
    writeOutputTrees(trees(dir, NEW), { lockWaitMs: 500 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OutputError);
  expect((error as OutputError).message).toMatch(pattern);
  expect((error as OutputError).written).toBe(false);
  return error as OutputError;
}

describe('symbolic links at each path the tool touches are refused, and nothing outside is touched', () => {
  // [where the link is, what it points at (relative to the outside folder; '' = the folder itself)]
  const cases: Array<[string, string]> = [
    ['manifests/l4', ''], // a level folder that receives new files
    ['manifests/l2', ''], // a level folder whose files are deleted
    ['manifests/l3', ''], // a level folder that does not exist yet
    ['manifests/l4/envoy.yaml', 'envoy.yaml'], // a file that is replaced
    ['manifests/l2/envoy.yaml', 'l2/envoy.yaml'], // a stale file that is deleted
    ['manifests/l3/envoy.yaml', 'envoy.yaml'], // a new file
    ['manifests/.layered-egress-owned', 'file'], // the ownership record
    ['cdktf.out/stacks', ''], // a folder on the way
    ['cdktf.out/stacks/l4/cdk.tf.json', 'cdk.tf.json'],
    [`manifests/${STAGING}`, ''], // the staging folder
    [`cdktf.out/${JOURNAL}`, 'file'], // the journal
    [`manifests/${LOCK_FILE}`, 'file'], // the lock
  ];
  test.each(cases)('%s -> outside%s', (where, target) => {
    const { dir, outside } = setUp();
    const path = join(dir, where);
    rmSync(path, { recursive: true, force: true });
    mkdirSync(join(path, '..'), { recursive: true });
    symlinkSync(join(outside, target), path);
    const before = { tree: snapshot(dir), outside: snapshot(outside) };
    const error = expectRefused(dir, /symbolic link/);
    expect(error.message).toContain(path);
    expect(snapshot(dir)).toEqual(before.tree);
    expect(snapshot(outside)).toEqual(before.outside);
  });

  test('the output folder itself may be a link (resolved once); links below it are still refused', () => {
    const dir = fresh();
    const real = join(scratch, `real-manifests-${n}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(real);
    symlinkSync(real, join(dir, 'manifests'));
    writeOutputTrees(trees(dir, NEW));
    expect(readFileSync(join(real, 'l4/envoy.yaml'), 'utf8')).toBe('envoy: new\n');
  });
});

describe('folders that cannot be used are refused before anything changes', () => {
  test('the same folder for both outputs', () => {
    const dir = fresh();
    mkdirSync(dir);
    expect(() =>
      writeOutputTrees([
        { root: join(dir, 'out'), files: new Map([['a', '1']]) },
        { root: join(dir, 'out/'), files: new Map([['b', '2']]) },
      ]),
    ).toThrow(/are the same folder/);
    expect(snapshot(dir)).toEqual({});
  });

  test('one output folder inside the other', () => {
    const dir = fresh();
    mkdirSync(dir);
    expect(() =>
      writeOutputTrees([
        { root: join(dir, 'out'), files: new Map([['a', '1']]) },
        { root: join(dir, 'out/m'), files: new Map([['b', '2']]) },
      ]),
    ).toThrow(/lies inside the other output folder/);
    expect(snapshot(dir)).toEqual({});
  });

  test('a file where the output folder should be', () => {
    const dir = fresh();
    writeFiles(dir, { manifests: 'a file\n' });
    expect(() => writeOutputTrees(trees(dir, NEW))).toThrow(/is a file, not a folder/);
    expect(snapshot(dir)).toEqual({ manifests: 'a file\n' });
  });

  test('a file where a level folder should be, and a folder where a file should be', () => {
    const { dir } = setUp();
    writeFiles(dir, { 'manifests/l3': 'a file\n' });
    const before = snapshot(dir);
    expectRefused(dir, /manifests\/l3: it is a file, where layered-egress needs a folder/);
    expect(snapshot(dir)).toEqual(before);
    rmSync(join(dir, 'manifests/l3'));
    mkdirSync(join(dir, 'manifests/l3/envoy.yaml'), { recursive: true });
    expectRefused(dir, /l3\/envoy\.yaml: it is a folder, where layered-egress writes a file/);
  });

  test('a file the tool did not write', () => {
    const { dir } = setUp();
    writeFiles(dir, { 'manifests/l3/envoy.yaml': 'hand made\n' });
    const before = snapshot(dir);
    expectRefused(dir, /refusing to overwrite .*l3\/envoy\.yaml: layered-egress did not write it/);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the lock', () => {
  test('a live holder: the second run waits, then fails naming the holder; nothing is written', () => {
    const { dir } = setUp();
    const holder = { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'layered-egress synth (test)', token: 'feedfacefeedface' };
    writeFileSync(join(dir, 'manifests', LOCK_FILE), JSON.stringify(holder));
    const before = snapshot(dir);
    const error = expectRefused(
      dir,
      new RegExp(
        `another synth is writing these outputs: .*${LOCK_FILE} is held by pid ${process.pid} on ${hostname()} since 2026-01-01T00:00:00.000Z \\(layered-egress synth \\(test\\)\\)`,
      ),
    );
    expect(error.message).toContain('if no such process is running, remove');
    expect(snapshot(dir)).toEqual(before);
  });

  test("a killed run's lock (its pid is gone) is taken over at once", () => {
    const { dir } = setUp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const holder = { pid: Number(dead.stdout), host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'killed', token: '0123456789abcdef' };
    writeFileSync(join(dir, 'cdktf.out', LOCK_FILE), JSON.stringify(holder));
    writeOutputTrees(trees(dir, NEW), { lockWaitMs: 0 });
    expect(existsSync(join(dir, 'cdktf.out', LOCK_FILE))).toBe(false);
    expect(readFileSync(join(dir, 'manifests/l4/envoy.yaml'), 'utf8')).toBe('envoy: new\n');
  });
});

/** Mounts a tmpfs (root with CAP_SYS_ADMIN only); returns undefined, after saying why, where that is not possible. */
function mountTmpfs(path: string, options: string): boolean {
  mkdirSync(path, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`skipping the tmpfs tests: cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`);
    return false;
  }
  return true;
}
const umount = (path: string) => spawnSync('umount', [path]);

describe('full, read-only and separate file systems (tmpfs)', () => {
  const mounts: string[] = [];
  afterAll(() => mounts.reverse().forEach(umount));
  const mount = (path: string, options: string) => {
    const ok = mountTmpfs(path, options);
    if (ok) mounts.push(path);
    return ok;
  };

  test.each([0, 3])('a full file system (%i files freed): the run fails before the commit point, says so, and leaves the old state', (pagesLeft) => {
    const { dir } = setUp();
    const fs = fresh();
    if (!mount(fs, 'size=256k')) return;
    cpSync(dir, fs, { recursive: true });
    const before = snapshot(fs);
    // Fill it up, leaving too little for the new generation's staging.
    let i = 0;
    try {
      for (;;) writeFileSync(join(fs, `filler-${i++}`), 'x'.repeat(4096));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    for (let p = 0; p < pagesLeft; p++) rmSync(join(fs, `filler-${--i}`), { force: true });
    const fillers = Object.fromEntries(Object.entries(snapshot(fs)).filter(([k]) => k.startsWith('filler-')));
    const error = expectRefused(fs, /the file system is full \(ENOSPC\)/);
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(snapshot(fs)).toEqual({ ...before, ...fillers });
  });

  test('a read-only manifests/: nothing is written to cdktf.out/ either', () => {
    const { dir } = setUp();
    const ro = join(dir, 'manifests');
    const copy = join(scratch, `ro-copy-${n}`);
    cpSync(ro, copy, { recursive: true });
    rmSync(ro, { recursive: true });
    if (!mount(ro, 'size=1m')) return;
    cpSync(copy, ro, { recursive: true });
    expect(spawnSync('mount', ['-o', 'remount,ro', ro]).status).toBe(0);
    const before = snapshot(dir);
    expectRefused(dir, /read-only \(EROFS\)/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('the two outputs on different file systems: one commit still moves both', () => {
    const dir = fresh();
    if (!mount(join(dir, 'cdktf.out'), 'size=1m') || !mount(join(dir, 'manifests'), 'size=1m')) return;
    writeOutputTrees(trees(dir, OLD));
    writeOutputTrees(trees(dir, NEW));
    expect(readFileSync(join(dir, 'manifests/l4/envoy.yaml'), 'utf8')).toBe('envoy: new\n');
    expect(readFileSync(join(dir, 'cdktf.out/stacks/l3/cdk.tf.json'), 'utf8')).toBe('{"l3":"new"}\n');
  });

  test('a level folder on another file system is refused before anything changes', () => {
    const { dir } = setUp();
    if (!mount(join(dir, 'manifests/l4'), 'size=1m')) return;
    const before = snapshot(dir);
    expectRefused(dir, /manifests\/l4 is on another file system than .*manifests/);
    expect(snapshot(dir)).toEqual(before);
  });
});

test('a failed run removes the output folders (and their new parents) it created', () => {
  const dir = fresh();
  mkdirSync(dir);
  writeFiles(dir, { 'new/parent/manifests/l4': 'a file where a level folder goes\n' });
  rmSync(join(dir, 'new/parent/manifests/l4'));
  symlinkSync('/', join(dir, 'new/parent/manifests/l4'));
  const before = snapshot(dir);
  expect(() => writeOutputTrees(trees(join(dir, 'new/parent'), NEW))).toThrow(/symbolic link/);
  expect(snapshot(dir)).toEqual(before);
  rmSync(join(dir, 'new'), { recursive: true });
  expect(() =>
    writeOutputTrees(trees(join(dir, 'a/b'), NEW), {
      onStep: (what) => {
        if (what.startsWith('stage ')) throw new Error('injected');
      },
    }),
  ).toThrow('injected');
  expect(snapshot(dir)).toEqual({});
});

describe('permissions (an unprivileged user; root would bypass them)', () => {
  afterAll(removeCompiledChild);
  const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;
  const open = (path: string) => {
    for (let p = path; p !== '/' && p.startsWith(tmpdir()); p = join(p, '..')) chmodSync(p, 0o777);
  };

  test('a level folder the user may not write: refused before the commit point, nothing written (EACCES)', () => {
    if (!canDropPrivileges) {
      console.warn('skipping the permission test: it needs root and setpriv to run a child as an unprivileged user');
      return;
    }
    const { dir } = setUp();
    for (const folder of ['cdktf.out', 'cdktf.out/stacks', 'cdktf.out/stacks/l4', 'cdktf.out/stacks/l2', 'manifests', 'manifests/l2']) open(join(dir, folder));
    chmodSync(join(dir, 'manifests/l4'), 0o555);
    const before = snapshot(dir);
    const result = runChild(job(dir, NEW), 65534);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.report?.error).toBe(`cannot write in ${join(dir, 'manifests/l4')}: permission denied (EACCES)`);
    expect(snapshot(dir)).toEqual(before);
    chmodSync(join(dir, 'manifests/l4'), 0o777);
    expect(runChild(job(dir, NEW), 65534).status).toBe(0);
    expect(readFileSync(join(dir, 'manifests/l4/envoy.yaml'), 'utf8')).toBe('envoy: new\n');
  });
});
