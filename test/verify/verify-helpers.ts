import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { EgressModel, loadConfig } from '../../lib/model';
import { synthAll } from '../../lib/synth/synth';
import { checkArtifacts, Finding, Report } from '../../lib/verify';

/** A synthesized output tree in a temp folder. */
export interface Synthesized {
  readonly dir: string;
  readonly cdktfOut: string;
  readonly manifestsOut: string;
  readonly model: EgressModel;
}

/** Synthesizes `model` (default: infra/egress.yaml) in-process into a fresh temp folder. */
export function synthFresh(model: EgressModel = loadConfig('infra/egress.yaml')): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), 'le-verify-'));
  const cdktfOut = join(dir, 'cdktf.out');
  const manifestsOut = join(dir, 'manifests');
  synthAll(model, { cdktfOut, manifestsOut });
  return { dir, cdktfOut, manifestsOut, model };
}

/** A copy of a synthesized tree, to mutate. */
export function copyOf(s: Synthesized): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), 'le-verify-copy-'));
  cpSync(s.dir, dir, { recursive: true });
  return { ...s, dir, cdktfOut: join(dir, 'cdktf.out'), manifestsOut: join(dir, 'manifests') };
}

export function cleanup(s: Synthesized): void {
  rmSync(s.dir, { recursive: true, force: true });
}

export function check(s: Synthesized): Report {
  return checkArtifacts(s.model, s.cdktfOut, s.manifestsOut);
}

/** Edits a file's text; fails the test when the edit changes nothing. */
export function editText(path: string, edit: (text: string) => string): void {
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(path, after);
}

/** Edits one level's cdk.tf.json as an object. */
export function editTerraform(s: Synthesized, level: string, edit: (json: any) => void): void {
  const path = join(s.cdktfOut, 'stacks', level, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json, null, 2));
}

/** Edits the objects of one manifest file. */
export function editManifest(s: Synthesized, level: string, file: string, edit: (docs: any[]) => void): void {
  const path = join(s.manifestsOut, level, file);
  const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());
  edit(docs);
  writeFileSync(path, docs.map((d) => stringify(d)).join('---\n'));
}

/** Finds the ConfigMap with a data key in a level's manifests and edits that key. */
export function editConfigMapKey(s: Synthesized, level: string, file: string, key: string, edit: (value: string) => string): void {
  editManifest(s, level, file, (docs) => {
    const cm = docs.find((d) => d?.kind === 'ConfigMap' && typeof d.data?.[key] === 'string');
    if (!cm) throw new Error(`no ConfigMap with key ${key} in ${level}/${file}`);
    const after = edit(cm.data[key]);
    if (after === cm.data[key]) throw new Error(`edit of ${key} in ${level}/${file} changed nothing`);
    cm.data[key] = after;
  });
}

/** Edits the Envoy bootstrap of a level as an object. */
export function editEnvoy(s: Synthesized, level: string, edit: (bootstrap: any) => void): void {
  editConfigMapKey(s, level, 'envoy.yaml', 'envoy.yaml', (text) => {
    const boot = parseAllDocuments(text)[0].toJS();
    edit(boot);
    return JSON.stringify(boot);
  });
}

/** One-line summaries of the error findings, for assertion messages. */
export function errorsOf(report: Report): Finding[] {
  return report.findings.filter((f) => f.severity === 'error');
}

/**
 * Registers the hooks of a planted-defect suite: `config` synthesized once, a fresh copy
 * per test (to mutate) cleaned up after it. Returns the current test's copy.
 */
export function plantedDefectSuite(config: string): () => Synthesized {
  let fresh: Synthesized;
  let current: Synthesized;
  beforeAll(() => {
    fresh = synthFresh(loadConfig(config));
  });
  afterAll(() => cleanup(fresh));
  beforeEach(() => {
    current = copyOf(fresh);
  });
  afterEach(() => cleanup(current));
  return () => current;
}

/** What a planted defect must produce: an error finding of `rule`, and optionally its level, name, message and file. */
export interface WantedFinding {
  readonly rule: string;
  readonly level?: string;
  readonly name?: string;
  readonly message?: RegExp;
  readonly file?: RegExp;
}

/** The report fails with an error finding like `want`; fails the test, listing what it got, when there is none. */
export function expectFinding(report: Report, want: WantedFinding): Finding {
  const hit = errorsOf(report).find(
    (f) =>
      f.rule === want.rule &&
      (!want.level || f.level === want.level) &&
      (!want.name || f.name === want.name) &&
      (!want.message || want.message.test(f.message)),
  );
  expect(report.ok).toBe(false);
  if (!hit)
    throw new Error(
      `no ${want.rule} finding like ${String(want.message)}; got:\n${errorsOf(report)
        .slice(0, 10)
        .map((f) => `${f.rule} ${f.level} ${f.name} ${f.message}`)
        .join('\n')}`,
    );
  if (want.file) expect(hit.source?.file).toMatch(want.file);
  return hit;
}

/** The report has no error, and each of `ruleIds` was applied and held (not skipped as not applicable). */
export function expectCompliant(report: Report, ruleIds: readonly string[]): void {
  expect(errorsOf(report)).toEqual([]);
  for (const id of ruleIds) expect([id, report.rules.find((r) => r.id === id)?.status]).toEqual([id, 'compliant']);
}

/** The rule collection group named `name` in a stack's cdk.tf.json (as `editTerraform` hands it over). */
export const ruleCollectionGroup = (json: any, name: string): any =>
  Object.values(json.resource.azurerm_firewall_policy_rule_collection_group).find((g: any) => g.name === name);

/** The application rules of the `allow-list` group: the ones the allow-list's HTTPS entries become. */
export const allowListAppRules = (json: any): any[] => ruleCollectionGroup(json, 'allow-list').application_rule_collection[0].rule;
