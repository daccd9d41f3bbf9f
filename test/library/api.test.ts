import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App as K8sApp, Chart } from 'cdk8s';
import { App as TfApp, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { check, EgressNetwork, EgressWorkloads, explain, formatReport, loadConfig, parseConfig } from '../../lib';
import { AzurermProvider, ResourceGroup } from '../../lib/network/azurerm/core';
import { synthManifests } from '../../lib/synth/manifests';
import { synthAll } from '../../lib/synth/synth';
import { synthTerraform } from '../../lib/synth/terraform';
import { compareWithCli, OWN, readFiles, versionMismatches } from '../../scripts/library-smoke';
import { problemsOf } from '../support/problems';

const DEFAULT_CONFIG = 'infra/egress.yaml';

describe('parseConfig (an object)', () => {
  const object = parse(readFileSync(DEFAULT_CONFIG, 'utf8'));

  test('gives the same model as loadConfig for the same content', () => {
    const fromFile = loadConfig(DEFAULT_CONFIG);
    const fromObject = parseConfig(object, DEFAULT_CONFIG);
    expect({ ...fromObject, warnings: [] }).toEqual({ ...fromFile, warnings: [] });
    expect(fromObject.warnings).toEqual(fromFile.warnings.map(({ line: _line, ...rest }) => rest));
  });

  test("refuses with the file pass's messages, every problem at once, naming the source and no line", () => {
    const bad = { ...object, allowlist: [], allowList: [{ domain: 'a.com\nserver=/#/6.6.6.6' }, { domain: '*b.com' }, { domain: 'c.com', ports: [53] }] };
    const entryProblems = [
      '  - platform.json: allowList[0].domain "a.com\\nserver=/#/6.6.6.6": a domain must not contain control characters (a newline could become a new directive in a config file)',
      expect.stringMatching(/^ {2}- platform\.json: allowList\[1\]\.domain "\*b\.com": '\*' must be a whole leftmost label/),
      '  - platform.json: allowList[2].ports[0] 53: port 53 is reserved for the DNS of each level and cannot be proxied',
    ];
    // The unknown key does not hide the entries' problems: every stage reports at once.
    expect(problemsOf(() => parseConfig(bad, 'platform.json'))).toEqual([
      ...entryProblems,
      "  - platform.json: allowlist: unknown key: did you mean 'allowList'? (allowed: name, location, levels, allowList, terraform, cluster, workloads, firewall, hub)",
    ]);
    const { allowlist: _typo, ...typoFixed } = bad;
    expect(problemsOf(() => parseConfig(typoFixed, 'platform.json'))).toEqual(entryProblems);
  });

  test('names a default source, treats undefined properties as absent, refuses what is not plain data', () => {
    expect(problemsOf(() => parseConfig({ ...object, name: 'Bad Name' }))[0]).toMatch(/^ {2}- <config object>: name "Bad Name": /);
    expect(parseConfig({ ...object, cluster: undefined }).cluster).toEqual(loadConfig(DEFAULT_CONFIG).cluster);
    const cyclic: Record<string, unknown> = { ...object };
    cyclic.self = cyclic;
    expect(
      problemsOf(() => parseConfig({ ...cyclic, name: new Date(0), levels: [undefined], location: Symbol('x'), workloads: { envoy: { replicas: NaN } } }, 'x')),
    ).toEqual([
      '  - x: name: must be plain data (JSON-compatible), not a Date',
      '  - x: location: must be plain data (JSON-compatible), not a symbol',
      '  - x: levels[0]: a list item must not be undefined or missing',
      // The spread copy's `self` is the original, whose `self` is itself.
      '  - x: self.self: must not refer to itself (a cycle)',
      '  - x: workloads.envoy.replicas "NaN": must be a finite number',
    ]);
  });
});

describe("the constructs in a user's own app", () => {
  const model = loadConfig(DEFAULT_CONFIG);
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'le-library-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("EgressNetwork next to the user's own stack synthesizes exactly the CLI's Terraform", () => {
    const app = new TfApp({ outdir: join(out, 'cdktf.out'), skipBackendValidation: true });
    const own = new TerraformStack(app, OWN.stack);
    new AzurermProvider(own, 'azurerm', { features: [{}] });
    new ResourceGroup(own, 'shared', { name: 'rg-shared', location: 'westeurope' });
    const network = new EgressNetwork(app, 'egress', { config: model });
    app.synth();

    expect(network.stacks.map((s) => s.node.id)).toEqual(['l4', 'l3', 'l2']);
    expect(network.stack('l3').dependencies).toEqual([network.stack('l4')]);
    expect(() => network.stack('l9')).toThrow("No level 'l9' in this EgressNetwork (levels: l4, l3, l2)");
    expect(network.allowList.entries).toEqual(model.allowEntries);
    const cli = { terraform: synthTerraform(model), manifests: new Map() };
    const user = { terraform: readFiles(join(out, 'cdktf.out')), manifests: new Map() };
    expect(compareWithCli(cli, user).filter((p) => !p.startsWith('Kubernetes'))).toEqual([]);
  });

  test("EgressWorkloads next to the user's own chart synthesizes exactly the CLI's manifests", () => {
    const app = new K8sApp({ outdir: join(out, 'cdk8s.out') });
    new ApiObject(new Chart(app, OWN.chart), 'info', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'info' } });
    const workloads = new EgressWorkloads(app, 'egress', { config: model });
    app.synth();

    expect(workloads.levels.map((l) => l.level.name)).toEqual(['l4', 'l3', 'l2']);
    expect(workloads.level('l2').charts.map((c) => c.node.id)).toEqual(['coredns', 'envoy', 'namespace', 'network-policies']);
    const cli = { terraform: new Map(), manifests: synthManifests(model) };
    const user = { terraform: new Map(), manifests: readFiles(join(out, 'cdk8s.out')) };
    expect(compareWithCli(cli, user).filter((p) => !p.startsWith('Terraform'))).toEqual([]);
  });

  test('EgressWorkloads reports a ConfigMap over the Kubernetes limit as the CLI does: a ConfigError naming the file', () => {
    const object = parse(readFileSync(DEFAULT_CONFIG, 'utf8'));
    const huge = parseConfig({ ...object, allowList: Array.from({ length: 1500 }, (_, i) => ({ domain: `host-${i}.contoso.com` })) }, 'huge.yaml');
    const problems = problemsOf(() => new EgressWorkloads(new K8sApp(), 'egress', { config: huge }));
    expect(problems).toEqual([expect.stringMatching(/^ {2}- huge\.yaml: allowList: level 'l4': ConfigMap egress\/envoy-config .*/)]);
  });
});

test('check and explain read synthesized output back, as the CLI commands do', () => {
  const config = loadConfig(DEFAULT_CONFIG);
  const out = mkdtempSync(join(tmpdir(), 'le-library-check-'));
  try {
    const folders = { cdktfOut: join(out, 'cdktf.out'), manifestsOut: join(out, 'manifests') };
    synthAll(config, folders);
    const report = check({ config, ...folders });
    expect(report.ok).toBe(true);
    expect(report.levels).toEqual(['l4', 'l3', 'l2']);
    expect(formatReport(report)).toContain(`read ${folders.cdktfOut} and ${folders.manifestsOut}`);
    const allowed = explain('mcr.microsoft.com', { config, ...folders, from: 'l2' });
    expect(allowed.ok).toBe(true);
    expect(allowed.text).toContain('l2');

    rmSync(join(folders.manifestsOut, 'l3', 'envoy.yaml'));
    expect(check({ config, ...folders }).ok).toBe(false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

describe('the library smoke comparison', () => {
  const manifest = (stacks: string[]) => JSON.stringify({ stacks: Object.fromEntries(stacks.map((s) => [s, { name: s }])), version: '0.21.0' });
  const cli = {
    terraform: new Map([
      ['manifest.json', manifest(['l1'])],
      ['stacks/l1/cdk.tf.json', '{"a":1}'],
    ]),
    manifests: new Map([
      ['l1/envoy.yaml', 'kind: ConfigMap\n'],
      ['l1/kustomization.yaml', 'resources: []\n'],
    ]),
  };
  const app = () => ({
    terraform: new Map([
      ['manifest.json', manifest(['l1', OWN.stack])],
      ['stacks/l1/cdk.tf.json', '{"a":1}'],
      [`stacks/${OWN.stack}/cdk.tf.json`, '{}'],
    ]),
    manifests: new Map([
      ['l1-envoy-c8012345.k8s.yaml', 'kind: ConfigMap\n'],
      [`${OWN.chart}.k8s.yaml`, 'kind: ConfigMap\n'],
    ]),
  });

  test('equal output passes', () => {
    expect(compareWithCli(cli, app())).toEqual([]);
  });

  test('a changed, missing or extra file fails, naming it', () => {
    const changed = app();
    changed.terraform.set('stacks/l1/cdk.tf.json', '{"a":2}');
    changed.manifests.set('l1-envoy-c8012345.k8s.yaml', 'kind: Secret\n');
    expect(compareWithCli(cli, changed)).toEqual([
      'Terraform: stacks/l1/cdk.tf.json differs',
      'Kubernetes: l1-envoy-c8012345.k8s.yaml differs from l1/envoy.yaml',
    ]);

    const missing = app();
    missing.manifests.delete('l1-envoy-c8012345.k8s.yaml');
    missing.terraform.set('stacks/l2/cdk.tf.json', '{}');
    missing.terraform.set('manifest.json', manifest(['l1', 'l2', OWN.stack]));
    expect(compareWithCli(cli, missing)).toEqual([
      'Terraform: manifest.json differs (after removing the own stack)',
      "Terraform: stacks/l2/cdk.tf.json is not in the CLI's output",
      'Kubernetes: l1/envoy.yaml has 0 matching app files (none)',
    ]);

    const withoutOwn = app();
    withoutOwn.manifests.delete(`${OWN.chart}.k8s.yaml`);
    withoutOwn.terraform.delete(`stacks/${OWN.stack}/cdk.tf.json`);
    expect(compareWithCli(cli, withoutOwn)).toEqual([
      `Terraform: the app's own stack '${OWN.stack}' is missing`,
      `Kubernetes: the app's own chart '${OWN.chart}' is missing`,
    ]);
  });

  test("the example must use the library's versions of shared dependencies", () => {
    expect(versionMismatches({ cdktf: '0.21.0', yaml: '2.9.1' }, { cdktf: '0.20.0', 'layered-egress': '0.1.0', yaml: '2.9.1' })).toEqual([
      "examples/library/package.json: cdktf 0.20.0 differs from the library's 0.21.0",
    ]);
    const library = JSON.parse(readFileSync('package.json', 'utf8'));
    const example = JSON.parse(readFileSync('examples/library/package.json', 'utf8'));
    expect(versionMismatches({ ...library.devDependencies, ...library.dependencies }, { ...example.devDependencies, ...example.dependencies })).toEqual([]);
  });
});
