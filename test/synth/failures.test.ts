import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from '../../lib/cli/main';
import { loadConfig } from '../../lib/model';
import { OutputError } from '../../lib/synth/errors';
import { readTree, writeOutputTrees } from '../../lib/synth/outputs';
import { removeDeadScratchFolders, SCRATCH_PREFIX, synthTerraform } from '../../lib/synth/terraform';
import { JOURNAL } from '../../lib/synth/transaction';
import { Generation, NEW, OLD, snapshot } from './support/trees';
import { capture } from '../support/capture';

const scratch = mkdtempSync(join(tmpdir(), 'le-failures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(scratch, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};

function synth(dir: string, cdktfOut = join(dir, 'cdktf.out'), manifestsOut = join(dir, 'manifests')) {
  const out = capture();
  const err = capture();
  const code = main(['synth', '--config', 'infra/egress.yaml', '--cdktf-out', cdktfOut, '--manifests-out', manifestsOut], out, err);
  return { code, out: out.text(), err: err.text().replace(/^warning: .*\n/gm, '') };
}
const trees = (dir: string, g: Generation) => [
  { root: join(dir, 'cdktf.out'), files: new Map(Object.entries(g.cdktf)) },
  { root: join(dir, 'manifests'), files: new Map(Object.entries(g.manifests)) },
];

describe('the CLI says what state the outputs are in; no stack trace for an expected failure', () => {
  test('a symbolic link below an output folder: exit 1, the path, "Nothing was written."', () => {
    const dir = fresh();
    expect(synth(dir).code).toBe(EXIT.ok);
    const before = snapshot(dir);
    rmSync(join(dir, 'manifests/l2'), { recursive: true });
    mkdirSync(join(scratch, `elsewhere-${n}`));
    symlinkSync(join(scratch, `elsewhere-${n}`), join(dir, 'manifests/l2'));
    const r = synth(dir);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toBe(
      `layered-egress: refusing to touch ${join(dir, 'manifests/l2')}: it is a symbolic link. layered-egress never writes, replaces or deletes through a symbolic link ` +
        '(it could lead outside the output folders); replace it with a plain folder or file, or remove it, then synthesize again.\nNothing was written.\n',
    );
    expect(readTree(join(scratch, `elsewhere-${n}`)).size).toBe(0);
    expect(Object.keys(snapshot(dir)).filter((k) => !k.startsWith('manifests/l2'))).toEqual(Object.keys(before).filter((k) => !k.startsWith('manifests/l2')));
  });

  test.each([
    ['the same folder for both outputs', (d: string) => [join(d, 'out'), join(d, 'out')], /are the same folder/],
    ['one output inside the other', (d: string) => [join(d, 'out'), join(d, 'out/manifests')], /lies inside the other output folder/],
    [
      'a file where the output folder should be',
      (d: string) => (writeFileSync(join(d, 'file'), 'x'), [join(d, 'file'), join(d, 'm')]),
      /is a file, not a folder/,
    ],
    [
      'a file on the way to the output folder',
      (d: string) => (writeFileSync(join(d, 'file'), 'x'), [join(d, 'file/cdktf.out'), join(d, 'm')]),
      /file\/cdktf\.out: a file is where a folder should be \(ENOTDIR\)/,
    ],
  ])('%s: exit 1, one clear line, "Nothing was written."', (_, folders, message) => {
    const dir = fresh();
    const before = snapshot(dir);
    const [cdktfOut, manifestsOut] = folders(dir);
    const r = synth(dir, cdktfOut, manifestsOut);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\nNothing was written\.\n$/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(snapshot(dir)).toEqual({ ...before, ...(existsSync(join(dir, 'file')) ? { file: 'x' } : {}) });
  });

  test('a failure after the commit point says so (not "Nothing was written") and the next run finishes it', () => {
    const dir = fresh();
    writeOutputTrees(trees(dir, OLD));
    let error: unknown;
    try {
      writeOutputTrees(trees(dir, NEW), {
        onStep: (what) => {
          if (what === 'apply manifests: move l4/envoy.yaml') throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', syscall: 'rename' });
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).written).toBe(true);
    expect((error as OutputError).message).toMatch(
      /the new outputs were committed but could not all be moved into place \(EIO: i\/o error, rename\)\. The journal .*\.layered-egress-journal records what is left: fix the cause and run synth again to finish \(it rolls forward\)\./,
    );
    expect(existsSync(join(dir, 'cdktf.out', JOURNAL))).toBe(true);

    // The CLI's next run reports the roll-forward, then writes its own (default config) outputs over it.
    const r = synth(dir);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain(`note: finished the commit of an interrupted earlier synth in ${dir}/cdktf.out`);
    expect(Object.keys(snapshot(dir)).filter((k) => /layered-egress-(journal|staging)|\.lock/.test(k))).toEqual([]);
  });

  test('a config error is exit 2 and "Nothing was written.", and creates no output folder', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\n');
    const err = capture();
    expect(main(['synth', '--config', join(dir, 'bad.yaml'), '--cdktf-out', join(dir, 'c'), '--manifests-out', join(dir, 'm')], capture(), err)).toBe(
      EXIT.invalidConfig,
    );
    expect(err.text()).toMatch(/\nNothing was written\.\n$/);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });
});

describe('cdktf scratch folders in the temp folder', () => {
  test('a killed run leaves none behind for long: the next synth removes those of dead processes only', () => {
    const parent = fresh();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    mkdirSync(join(parent, `${SCRATCH_PREFIX}${dead}-abc123/stacks/l4`), { recursive: true });
    mkdirSync(join(parent, `${SCRATCH_PREFIX}${process.pid}-def456`));
    mkdirSync(join(parent, `${SCRATCH_PREFIX}notapid`));
    removeDeadScratchFolders(parent);
    expect(readTree(parent).size).toBe(0);
    expect(existsSync(join(parent, `${SCRATCH_PREFIX}${dead}-abc123`))).toBe(false);
    expect(existsSync(join(parent, `${SCRATCH_PREFIX}${process.pid}-def456`))).toBe(true);
    expect(existsSync(join(parent, `${SCRATCH_PREFIX}notapid`))).toBe(true);
  });

  test('synthTerraform leaves its own scratch folder behind neither on success nor on failure', () => {
    const parent = fresh();
    synthTerraform(loadConfig('infra/egress.yaml'), parent);
    expect(readTree(parent).size).toBe(0);
    expect(() => synthTerraform({ ...loadConfig('infra/egress.yaml'), levels: [{ name: 'x' } as never] }, parent)).toThrow();
    expect(spawnSync('ls', ['-A', parent], { encoding: 'utf8' }).stdout).toBe('');
  });
});
