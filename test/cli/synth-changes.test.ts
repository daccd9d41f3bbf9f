import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from '../../lib/cli/main';
import { writeOutputTrees } from '../../lib/synth/outputs';
import { manifestLevelOf, summarizeChanges, terraformLevelOf } from '../../lib/synth/changes';
import { capture } from '../support/capture';

const DEFAULT_CONFIG = readFileSync('infra/egress.yaml', 'utf8');
const WITHOUT_L2 = DEFAULT_CONFIG.replace('  - name: l2\n    addressSpace: 172.20.0.0/16\n', '');
const L2_RENAMED = DEFAULT_CONFIG.replace('  - name: l2\n', '  - name: cell\n');
const AZURERM = `${DEFAULT_CONFIG}terraform:\n  backend:\n    resourceGroupName: rg-tfstate\n    storageAccountName: sttfstate01\n    containerName: tfstate\n`;

function synth(dir: string, config: string, extra: string[] = []) {
  const configPath = join(dir, 'egress.yaml');
  writeFileSync(configPath, config);
  const out = capture();
  const err = capture();
  const code = main(['synth', '--config', configPath, '--cdktf-out', join(dir, 'cdktf.out'), '--manifests-out', join(dir, 'manifests'), ...extra], out, err);
  return {
    code,
    out: out.text(),
    err: err.text(),
    warnings: err
      .text()
      .split('\n')
      .filter((l) => l.startsWith('warning: level')),
  };
}

describe('synth says what changed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-changes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const first = synth(dir, DEFAULT_CONFIG, ['--json']);
  const again = synth(dir, DEFAULT_CONFIG);
  const removed = synth(dir, WITHOUT_L2, ['--json']);
  const restored = synth(dir, DEFAULT_CONFIG, ['--quiet']);
  const renamed = synth(dir, L2_RENAMED);

  test('a first run adds every level and file; --json is the documented shape', () => {
    expect(first.code).toBe(EXIT.ok);
    const report = JSON.parse(first.out);
    expect(Object.keys(report)).toEqual(['config', 'levels', 'files', 'removedLevels']);
    expect(report.levels).toEqual({ added: ['l2', 'l3', 'l4'], changed: [], removed: [], unchanged: [] });
    expect(report.files.added).toContain(`${join(dir, 'cdktf.out')}/stacks/l2/cdk.tf.json`);
    expect(report.files.added).toContain(`${join(dir, 'cdktf.out')}/manifest.json`);
    expect(report.files.added).toContain(`${join(dir, 'manifests')}/l4/kustomization.yaml`);
    expect(report.files.added.some((f: string) => f.endsWith('.layered-egress-owned'))).toBe(false);
    expect(report.files.changed).toEqual([]);
    expect(report.removedLevels).toEqual([]);
  });

  test('the same config again: nothing changed, said in words', () => {
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/^Synthesized 3 level\(s\) .*\nNo changes: the outputs already match the config\.\n$/);
  });

  test('removing a level: its files removed, its parent changed, a warning with the state file and what to run', () => {
    expect(removed.code).toBe(EXIT.ok);
    const report = JSON.parse(removed.out);
    expect(report.levels).toEqual({ added: [], changed: expect.arrayContaining(['l3']), removed: ['l2'], unchanged: expect.any(Array) });
    expect(report.levels.changed).not.toContain('l2');
    expect(report.files.removed).toContain(`${join(dir, 'cdktf.out')}/stacks/l2/cdk.tf.json`);
    expect(report.files.removed).toContain(`${join(dir, 'manifests')}/l2/kustomization.yaml`);
    // l3 is the bottom level now: what it served its lower level goes too.
    expect(report.files.removed.filter((f: string) => !/\/l2\//.test(f)).every((f: string) => /\/l3\//.test(f))).toBe(true);
    expect(report.removedLevels).toEqual([
      expect.objectContaining({
        level: 'l2',
        state: 'terraform.l2.tfstate in the project root',
        commands: ['git stash', 'npx cdktf destroy l2', 'git stash pop', 'layered-egress synth'],
      }),
    ]);
    expect(removed.warnings).toHaveLength(1);
    expect(removed.warnings[0]).toContain("level 'l2' is no longer in the config");
    expect(removed.warnings[0]).toContain('its Azure resources remain');
    expect(removed.warnings[0]).toContain(`terraform -chdir=${join(dir, 'cdktf.out')}/stacks/l2 destroy`);
    expect(removed.warnings[0]).toContain('run `npx cdktf destroy l2` BEFORE removing the level');
  });

  test('--quiet prints nothing on stdout; bringing the level back adds it again', () => {
    expect(restored.code).toBe(EXIT.ok);
    expect(restored.out).toBe('');
    expect(restored.warnings).toEqual([]);
  });

  test('renaming a level: the old one is removed with a warning that names the new one, and the text lists the files', () => {
    expect(renamed.code).toBe(EXIT.ok);
    expect(renamed.out).toMatch(/\nLevels: added cell; changed l3; removed l2; unchanged l4\.\nFiles: \d+ added, \d+ changed, \d+ removed\.\n/);
    expect(renamed.out).toContain(`  + ${join(dir, 'manifests')}/cell/kustomization.yaml\n`);
    expect(renamed.out).toContain(`  - ${join(dir, 'cdktf.out')}/stacks/l2/cdk.tf.json\n`);
    expect(renamed.warnings).toHaveLength(1);
    expect(renamed.warnings[0]).toMatch(/level 'l2' is no longer in the config.*If it was renamed \(to 'cell'\): .*the old ones are not moved/);
  });

  test('with the azurerm backend the warning names the blob', () => {
    const d = mkdtempSync(join(tmpdir(), 'le-changes-'));
    try {
      expect(synth(d, AZURERM, ['--quiet']).code).toBe(EXIT.ok);
      const result = synth(d, AZURERM.replace('  - name: l2\n    addressSpace: 172.20.0.0/16\n', ''), ['--quiet']);
      expect(result.code).toBe(EXIT.ok);
      expect(result.warnings).toEqual([
        expect.stringContaining('Terraform state (the blob edge/l2.tfstate in container tfstate of storage account sttfstate01)'),
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test('synth --help documents --quiet, --json and the removed-level warning', () => {
    const out = (() => {
      const o = capture();
      expect(main(['synth', '--help'], o, capture())).toBe(EXIT.ok);
      return o.text();
    })();
    expect(out).toMatch(/--quiet {2}print nothing on stdout/);
    expect(out).toMatch(/--json {3}print the change set as one JSON object/);
    expect(out).toContain('npx cdktf destroy <level>');
  });

  test('--quiet with --json is a usage error', () => {
    expect(synth(dir, DEFAULT_CONFIG, ['--quiet', '--json']).code).toBe(EXIT.usage);
  });
});

describe('the change set comes from the commit itself', () => {
  test('added, changed, removed and unchanged files per tree, against the committed state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-changes-'));
    try {
      const root = join(dir, 'out');
      const first = writeOutputTrees([
        {
          root,
          files: new Map([
            ['a/x', '1'],
            ['a/y', '2'],
            ['b/z', '3'],
          ]),
        },
      ]);
      expect(first.changes).toEqual([{ added: ['a/x', 'a/y', 'b/z'], changed: [], removed: [], unchanged: [] }]);
      const second = writeOutputTrees([
        {
          root,
          files: new Map([
            ['a/x', '1'],
            ['a/y', 'two'],
            ['c/w', '4'],
          ]),
        },
      ]);
      expect(second.changes).toEqual([{ added: ['c/w'], changed: ['a/y'], removed: ['b/z'], unchanged: ['a/x'] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('levels come from stacks/<level>/ and <level>/; files of no level count only as files', () => {
    const summary = summarizeChanges([
      {
        folder: 'cdktf.out',
        changes: {
          added: [],
          changed: ['manifest.json'],
          removed: ['stacks/old/cdk.tf.json'],
          unchanged: ['stacks/same/cdk.tf.json', 'stacks/edit/cdk.tf.json'],
        },
        levelOf: terraformLevelOf,
      },
      {
        folder: 'manifests',
        changes: { added: ['new/envoy.yaml'], changed: ['edit/envoy.yaml'], removed: ['old/envoy.yaml'], unchanged: ['same/envoy.yaml'] },
        levelOf: manifestLevelOf,
      },
    ]);
    expect(summary.levels).toEqual({ added: ['new'], changed: ['edit'], removed: ['old'], unchanged: ['same'] });
    expect(summary.files).toEqual({
      added: ['manifests/new/envoy.yaml'],
      changed: ['cdktf.out/manifest.json', 'manifests/edit/envoy.yaml'],
      removed: ['cdktf.out/stacks/old/cdk.tf.json', 'manifests/old/envoy.yaml'],
    });
  });
});
