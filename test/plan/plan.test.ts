import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from '../../lib/cli/main';
import { freeBlocks } from '../../lib/plan/address-table';
import { parseCidr } from '../../lib/model/ipv4';
import { capture } from '../support/capture';

const DEFAULT_CONFIG = readFileSync('infra/egress.yaml', 'utf8');
const DEFAULT_LEVELS =
  '  - name: l4\n    addressSpace: 172.16.0.0/16\n  - name: l3\n    addressSpace: 172.18.0.0/16\n  - name: l2\n    addressSpace: 172.20.0.0/16\n';

async function run(argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await Promise.resolve(main(argv, out, err));
  return { code, out: out.text(), err: err.text() };
}

const cidr = (text: string) => (parseCidr(text) as { ok: true; value: { network: number; prefix: number } }).value;

describe('layered-egress plan', () => {
  test("the README's table is the plan of the default config (run `layered-egress plan` and paste it after changing the plan)", async () => {
    const { code, out } = await run(['plan', '--config', 'infra/egress.yaml']);
    expect(code).toBe(EXIT.ok);
    const readme = readFileSync('README.md', 'utf8');
    const table = /<!-- plan:begin[^>]*-->\n([\s\S]*?)<!-- plan:end -->/.exec(readme)?.[1];
    expect(table).toBe(out);
    expect(out).toContain('| l4 | 172.16.0.0/16 | 172.16.0.0/18 | 172.16.64.0/24 | 172.16.64.4 | 172.16.64.5 | 172.16.65.0/24, ');
  });

  test('plan --help says what it prints, and the overview lists the verb', async () => {
    expect((await run(['plan', '--help'])).out).toMatch(/^Usage: layered-egress plan \[--config path\] \[--json\]\n[\s\S]*Writes no file\./);
    expect((await run(['--help'])).out).toMatch(/\n {2}plan {13}Print the address plan/);
  });

  test('--json gives every level with its subnets, IPs and free blocks', async () => {
    const { code, out } = await run(['plan', '--config', 'infra/egress.yaml', '--json']);
    expect(code).toBe(EXIT.ok);
    const json = JSON.parse(out);
    expect(json.config).toBe('infra/egress.yaml');
    expect(json.levels.map((l: { level: string }) => l.level)).toEqual(['l4', 'l3', 'l2']);
    expect(json.levels[1]).toEqual({
      level: 'l3',
      addressSpace: '172.18.0.0/16',
      nodeSubnet: '172.18.0.0/18',
      loadBalancerSubnet: '172.18.64.0/24',
      envoyIp: '172.18.64.4',
      dnsIp: '172.18.64.5',
      free: ['172.18.65.0/24', '172.18.66.0/23', '172.18.68.0/22', '172.18.72.0/21', '172.18.80.0/20', '172.18.96.0/19', '172.18.128.0/17'],
    });
  });

  test('an invalid config: exit 2 with the located problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-plan-'));
    try {
      writeFileSync(
        join(dir, 'egress.yaml'),
        DEFAULT_CONFIG.replace(DEFAULT_LEVELS, '  - name: l4\n    addressSpace: 172.16.0.0/16\n    envoyIp: 172.16.64.3\n'),
      );
      const { code, err } = await run(['plan', '--config', join(dir, 'egress.yaml')]);
      expect(code).toBe(EXIT.invalidConfig);
      expect(err).toMatch(/egress\.yaml:16: levels\[0\]\.envoyIp "172\.16\.64\.3": the Envoy IP 172\.16\.64\.3 is one of Azure's reserved addresses/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('free blocks: the largest aligned blocks around the subnets, in order', () => {
    expect(freeBlocks(cidr('10.0.0.0/24'), [cidr('10.0.0.0/25'), cidr('10.0.0.128/26')]).map((c) => c.prefix)).toEqual([26]);
    expect(freeBlocks(cidr('10.0.0.0/28'), [cidr('10.0.0.0/29'), cidr('10.0.0.8/29')])).toEqual([]);
    expect(freeBlocks(cidr('10.0.0.0/24'), [cidr('10.0.0.64/26')]).map((c) => [c.network - cidr('10.0.0.0/24').network, c.prefix])).toEqual([
      [0, 26],
      [128, 25],
    ]);
  });
});

describe('small address spaces and overrides, end to end: synth, then check proves every level', () => {
  const cases: Array<[string, string]> = [
    ['a /23 top level and a /24 level below', '  - name: l4\n    addressSpace: 172.16.0.0/23\n  - name: l3\n    addressSpace: 172.18.0.0/24\n'],
    [
      "an IPAM team's subnets and IPs on three levels (/16, /23, /27)",
      '  - name: l4\n    addressSpace: 172.16.0.0/16\n    nodeSubnet: 172.16.8.0/22\n    loadBalancerSubnet: 172.16.12.0/28\n    envoyIp: 172.16.12.10\n    dnsIp: 172.16.12.11\n' +
        '  - name: l3\n    addressSpace: 172.18.0.0/23\n    loadBalancerSubnet: 172.18.1.224/27\n  - name: l2\n    addressSpace: 172.20.0.0/27\n    dnsIp: 172.20.0.20\n',
    ],
  ];
  test.each(cases)('%s', async (_, levels) => {
    const dir = mkdtempSync(join(tmpdir(), 'le-plan-'));
    try {
      const config = join(dir, 'egress.yaml');
      writeFileSync(config, DEFAULT_CONFIG.replace(DEFAULT_LEVELS, levels));
      const folders = ['--cdktf-out', join(dir, 'cdktf.out'), '--manifests-out', join(dir, 'manifests')];
      const synth = await run(['synth', '--config', config, '--quiet', ...folders]);
      expect([synth.code, synth.err.split('\n').filter((l) => l && !l.includes('public suffix'))]).toEqual([EXIT.ok, []]);
      const check = await run(['check', '--config', config, '--json', ...folders]);
      const report = JSON.parse(check.out);
      expect([check.code, report.errors]).toEqual([EXIT.ok, 0]);
      const plan = JSON.parse((await run(['plan', '--config', config, '--json'])).out);
      const terraform = readFileSync(join(dir, 'cdktf.out/stacks', plan.levels[1].level, 'cdk.tf.json'), 'utf8');
      // The planned values are what the outputs hold.
      for (const level of plan.levels) {
        const stack = readFileSync(join(dir, 'cdktf.out/stacks', level.level, 'cdk.tf.json'), 'utf8');
        expect(stack).toContain(`"${level.nodeSubnet}"`);
        expect(stack).toContain(`"${level.loadBalancerSubnet}"`);
        expect(readFileSync(join(dir, 'manifests', level.level, 'envoy.yaml'), 'utf8')).toContain(level.envoyIp);
      }
      expect(terraform).toContain(`"${plan.levels[0].dnsIp}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
