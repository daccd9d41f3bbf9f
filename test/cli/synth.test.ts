import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, EXIT } from '../../lib/cli/main';
import { loadConfig } from '../../lib/model';
import { synthManifests } from '../../lib/synth/manifests';
import { OWNERSHIP_RECORD, readTree } from '../../lib/synth/outputs';
import { capture } from '../support/capture';
import { HOSTILE_DOMAINS } from '../support/configs';

const DEFAULT_CONFIG = readFileSync('infra/egress.yaml', 'utf8');

/** Runs the CLI against a scratch folder; returns exit code, output and the written trees. */
function synthIn(dir: string, config: string, extra: string[] = []) {
  const configPath = join(dir, 'egress.yaml');
  writeFileSync(configPath, config);
  const out = capture();
  const err = capture();
  const code = main(['synth', '--config', configPath, '--cdktf-out', join(dir, 'cdktf.out'), '--manifests-out', join(dir, 'manifests'), ...extra], out, err);
  return { code, out: out.text(), err: err.text(), trees: () => ({ cdktf: readTree(join(dir, 'cdktf.out')), manifests: readTree(join(dir, 'manifests')) }) };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'le-cli-'));

describe('layered-egress synth', () => {
  const dir = scratch();
  const first = synthIn(dir, DEFAULT_CONFIG);
  const baseline = first.trees();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes Terraform JSON per level and a manifests folder per level with a kustomization', () => {
    expect(first.code).toBe(EXIT.ok);
    // The only output on stderr: the two public-suffix wildcard warnings of the shipped list.
    expect(first.err.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^warning: .*egress\.yaml:57: allowList\[13\]\.domain "\*\.servicebus\.windows\.net": .*private section/),
      expect.stringMatching(/^warning: .*egress\.yaml:85: allowList\[23\]\.domain "\*\.blob\.core\.windows\.net": .*private section/),
    ]);
    for (const level of ['l4', 'l3', 'l2']) {
      expect(baseline.cdktf.has(`stacks/${level}/cdk.tf.json`)).toBe(true);
      const files = [...baseline.manifests.keys()].filter((f) => f.startsWith(`${level}/`)).map((f) => f.slice(level.length + 1));
      expect(files).toContain('kustomization.yaml');
      const kustomization = baseline.manifests.get(`${level}/kustomization.yaml`)!;
      for (const file of files.filter((f) => f !== 'kustomization.yaml')) expect(kustomization).toContain(`- ${file}`);
    }
  });

  const hostile = HOSTILE_DOMAINS;
  test.each(hostile)('a bad entry %j exits 2, quotes the value and the rule, and leaves outputs byte-identical', (value) => {
    const result = synthIn(dir, `${DEFAULT_CONFIG}  - domain: ${JSON.stringify(value)}\n`);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.err).toContain(`allowList[${DEFAULT_CONFIG.match(/- domain:/g)!.length}].domain ${JSON.stringify(value)}: `);
    expect(result.err).toContain('Nothing was written.');
    expect(result.trees()).toEqual(baseline);
  });

  // Each input class of the closed parser, through the CLI: exit 2, file and line (and the path or column), nothing written.
  const entries = DEFAULT_CONFIG.match(/- domain:/g)!.length;
  const lastLine = DEFAULT_CONFIG.split('\n').length;
  test.each([
    [
      'an unknown tag',
      `${DEFAULT_CONFIG}  - domain: !include other.yaml\n`,
      new RegExp(`egress\\.yaml:${lastLine}:13: not valid YAML: Unresolved tag: !include`),
    ],
    ['a __proto__ key', `${DEFAULT_CONFIG}__proto__:\n  allowList: []\n`, new RegExp(`egress\\.yaml:${lastLine}: __proto__: unknown key`)],
    [
      'a constructor key in an entry',
      `${DEFAULT_CONFIG}    constructor: 1\n`,
      new RegExp(`egress\\.yaml:${lastLine}: allowList\\[${entries - 1}\\]\\.constructor: unknown key`),
    ],
    ['a second document', `${DEFAULT_CONFIG}---\nname: x\n`, new RegExp(`egress\\.yaml:${lastLine}:1: a config file holds exactly one YAML document`)],
    [
      'a duplicate key',
      DEFAULT_CONFIG.replace('location: westeurope', 'location: westeurope\nlocation: westus'),
      /egress\.yaml:\d+:1: not valid YAML: duplicate key 'location'/,
    ],
    [
      'punycode look-alike',
      `${DEFAULT_CONFIG}  - domain: xn--80ak6aa92e.com\n`,
      new RegExp(`egress\\.yaml:${lastLine}: allowList\\[${entries}\\]\\.domain "xn--80ak6aa92e\\.com": label 'аррӏе' is a look-alike`),
    ],
    [
      'a public-suffix wildcard',
      `${DEFAULT_CONFIG}  - domain: "*.co.uk"\n`,
      new RegExp(`egress\\.yaml:${lastLine}: allowList\\[${entries}\\]\\.domain "\\*\\.co\\.uk": 'co\\.uk' is a public suffix`),
    ],
    [
      'an entry listing every port',
      `${DEFAULT_CONFIG}  - domain: all.example.org\n    ports: [${Array.from({ length: 65535 }, (_, i) => i + 1)
        .filter((p) => p !== 53)
        .join(', ')}]\n`,
      /allowList\[\d+\]\.ports: has 65534 ports; at most 16 are accepted/,
    ],
  ])('%s: exit 2, located, outputs untouched', (_, text, message) => {
    const result = synthIn(dir, text);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.err).toMatch(message);
    expect(result.err).toMatch(/\nNothing was written\.\n$/);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.trees()).toEqual(baseline);
  });

  test('two synths produce identical bytes, and so does a shuffled allow-list', () => {
    const again = synthIn(scratch(), DEFAULT_CONFIG).trees();
    expect(again).toEqual(baseline);
    const [head, list] = DEFAULT_CONFIG.split('allowList:\n');
    // One block per entry, comments dropped, then reversed.
    const blocks = list
      .split(/(?=  - domain:)/)
      .slice(1)
      .map((b) => b.replace(/\s*(#.*\n?)*$/, '').trimEnd());
    expect(blocks.length).toBeGreaterThan(10);
    const shuffled = `${head}allowList:\n${[...blocks].reverse().join('\n')}\n`;
    expect(synthIn(scratch(), shuffled).trees()).toEqual(baseline);
  });

  test('an allow-list too large for a ConfigMap exits 2 with the size message and writes nothing', () => {
    const names = Array.from({ length: 1500 }, (_, i) => `  - domain: host-${i}.a-rather-long-subdomain-name.egress-bench.org\n`).join('');
    const result = synthIn(dir, DEFAULT_CONFIG + names);
    expect(result.code).toBe(EXIT.invalidConfig);
    expect(result.err).toMatch(/allowList: level 'l4': ConfigMap egress\/envoy-config holds \d+ bytes .*exactNamesVia: dynamic-forward-proxy/);
    expect(result.trees()).toEqual(baseline);
  });

  test('EGRESS_CONFIG points the CLI at another file', () => {
    const other = scratch();
    const configPath = join(other, 'other.yaml');
    writeFileSync(configPath, DEFAULT_CONFIG.replace('name: edge', 'name: plant'));
    const previous = process.env.EGRESS_CONFIG;
    process.env.EGRESS_CONFIG = configPath;
    try {
      const code = main(['synth', '--cdktf-out', join(other, 'cdktf.out'), '--manifests-out', join(other, 'manifests')], capture(), capture());
      expect(code).toBe(EXIT.ok);
      expect(readFileSync(join(other, 'cdktf.out/stacks/l4/cdk.tf.json'), 'utf8')).toContain('"rg-plant-l4"');
    } finally {
      if (previous === undefined) delete process.env.EGRESS_CONFIG;
      else process.env.EGRESS_CONFIG = previous;
    }
  });

  test('usage errors exit 64, --help exits 0', () => {
    const err = capture();
    expect(main(['synth', '--bogus'], capture(), err)).toBe(EXIT.usage);
    expect(err.text()).toContain('unknown option --bogus');
    expect(main(['frobnicate'], capture(), capture())).toBe(EXIT.usage);
    expect(main(['synth', '--config'], capture(), capture())).toBe(EXIT.usage);
    const out = capture();
    expect(main(['--help'], out, capture())).toBe(EXIT.ok);
    expect(out.text()).toContain('Usage: layered-egress');
  });
});

describe('output ownership', () => {
  test('files the tool did not write survive; a removed level folder is cleaned up', () => {
    const dir = scratch();
    expect(synthIn(dir, DEFAULT_CONFIG).code).toBe(EXIT.ok);
    writeFileSync(join(dir, 'manifests/l2/flux-patch.yaml'), 'user: file\n');
    writeFileSync(join(dir, 'manifests/README.md'), 'mine\n');
    mkdirSync(join(dir, 'cdktf.out/stacks/l4/.terraform'), { recursive: true });
    writeFileSync(join(dir, 'cdktf.out/stacks/l4/.terraform/state'), 'x');

    const twoLevels = DEFAULT_CONFIG.replace(/  - name: l2\n    addressSpace: 172\.20\.0\.0\/16\n/, '');
    const result = synthIn(dir, twoLevels);
    expect(result.code).toBe(EXIT.ok);
    expect(existsSync(join(dir, 'manifests/l2/kustomization.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'manifests/l2/flux-patch.yaml'), 'utf8')).toBe('user: file\n');
    expect(readFileSync(join(dir, 'manifests/README.md'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'cdktf.out/stacks/l2'))).toBe(false);
    expect(existsSync(join(dir, 'cdktf.out/stacks/l4/.terraform/state'))).toBe(true);
    expect(readFileSync(join(dir, `manifests/${OWNERSHIP_RECORD}`), 'utf8')).not.toContain('l2/');
  });

  test('a different file the tool did not write is never overwritten, and nothing is written', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'manifests/l4'), { recursive: true });
    writeFileSync(join(dir, 'manifests/l4/kustomization.yaml'), 'hand: made\n');
    const result = synthIn(dir, DEFAULT_CONFIG);
    expect(result.code).toBe(EXIT.failed);
    expect(result.err).toMatch(/refusing to overwrite .*manifests\/l4\/kustomization\.yaml: layered-egress did not write it/);
    expect(result.trees().manifests).toEqual(new Map([['l4/kustomization.yaml', 'hand: made\n']]));
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
  });
});

test('the committed manifests/ equals a fresh synth of the default config', () => {
  const committed = readTree('manifests');
  committed.delete(OWNERSHIP_RECORD);
  expect(committed).toEqual(synthManifests(loadConfig('infra/egress.yaml')));
});
