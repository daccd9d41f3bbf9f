import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from '../../lib/cli/main';
import { addressPlanMarkdown, addressPlanRows, freeBlocks, PlanRow } from '../../lib/plan/address-table';
import { buildFirewallModel, loadConfig } from '../../lib/model';
import { cidrSize, cidrsOverlap, parseCidr } from '../../lib/model/ipv4';
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

/** Every row's subnets (the firewall's included) and free blocks are apart and fill its address space exactly. */
function expectPartition(row: PlanRow) {
  const used = ['nodeSubnet' in row ? row.nodeSubnet : undefined, 'nodeSubnet' in row ? row.loadBalancerSubnet : undefined, row.firewallSubnet];
  const blocks = [...used.filter((u): u is string => u !== undefined), ...row.free].map(cidr);
  blocks.forEach((x, i) => blocks.slice(i + 1).forEach((y) => expect([row.level, x, y, cidrsOverlap(x, y)]).toEqual([row.level, x, y, false])));
  expect([row.level, blocks.reduce((sum, b) => sum + cidrSize(b), 0)]).toEqual([row.level, cidrSize(cidr(row.addressSpace))]);
}

const LEVEL_HEADER = '| level | address space | nodes | load balancers | Envoy IP | DNS IP | free for your subnets |\n|---|---|---|---|---|---|---|\n';
const FIREWALL_HEADER =
  '| level | address space | nodes | load balancers | Envoy IP | DNS IP | AzureFirewallSubnet | firewall IP | free for your subnets |\n|---|---|---|---|---|---|---|---|---|\n';
const LEVEL_KEYS = ['addressSpace', 'dnsIp', 'envoyIp', 'free', 'level', 'loadBalancerSubnet', 'nodeSubnet'];

describe('the Azure Firewall in the plan', () => {
  test('no firewall: the rows hold exactly the level keys and the table keeps its seven columns', async () => {
    const json = JSON.parse((await run(['plan', '--config', 'infra/egress.yaml', '--json'])).out);
    for (const row of json.levels) expect(Object.keys(row).sort()).toEqual(LEVEL_KEYS);
    const markdown = (await run(['plan', '--config', 'infra/egress.yaml'])).out;
    expect(markdown.startsWith(LEVEL_HEADER)).toBe(true);
    expect(markdown).not.toMatch(/firewall/i);
    json.levels.forEach(expectPartition);
  });

  test("placement top: the top level's row lists AzureFirewallSubnet and the firewall IP, and its free blocks leave them out", async () => {
    const { code, out } = await run(['plan', '--config', 'examples/firewall-top.yaml', '--json']);
    expect(code).toBe(EXIT.ok);
    const [l4, ...below] = JSON.parse(out).levels;
    expect(l4).toEqual({
      level: 'l4',
      addressSpace: '172.16.0.0/16',
      nodeSubnet: '172.16.0.0/18',
      loadBalancerSubnet: '172.16.64.0/24',
      envoyIp: '172.16.64.4',
      dnsIp: '172.16.64.5',
      firewallSubnet: '172.16.192.0/26',
      firewallIp: '172.16.192.4',
      free: [
        '172.16.65.0/24',
        '172.16.66.0/23',
        '172.16.68.0/22',
        '172.16.72.0/21',
        '172.16.80.0/20',
        '172.16.96.0/19',
        '172.16.128.0/18',
        '172.16.192.64/26',
        '172.16.192.128/25',
        '172.16.193.0/24',
        '172.16.194.0/23',
        '172.16.196.0/22',
        '172.16.200.0/21',
        '172.16.208.0/20',
        '172.16.224.0/19',
      ],
    });
    // The plan prints what the model (and so the firewall construct) uses.
    expect([l4.firewallSubnet, l4.firewallIp]).toEqual(
      (({ addresses }) => [addresses.subnet.cidr, addresses.privateIp])(
        loadConfig('examples/firewall-top.yaml').firewall as NonNullable<ReturnType<typeof loadConfig>['firewall']>,
      ),
    );
    for (const row of below) expect(Object.keys(row).sort()).toEqual(LEVEL_KEYS);
    [l4, ...below].forEach(expectPartition);

    const markdown = (await run(['plan', '--config', 'examples/firewall-top.yaml'])).out;
    expect(markdown.startsWith(FIREWALL_HEADER)).toBe(true);
    expect(markdown).toContain(
      '| l4 | 172.16.0.0/16 | 172.16.0.0/18 | 172.16.64.0/24 | 172.16.64.4 | 172.16.64.5 | 172.16.192.0/26 | 172.16.192.4 | 172.16.65.0/24, ',
    );
    expect(markdown).toContain('| l3 | 172.18.0.0/16 | 172.18.0.0/18 | 172.18.64.0/24 | 172.18.64.4 | 172.18.64.5 | - | - | 172.18.65.0/24, ');
  });

  test('placement top with a user subnet on the usual /26: the plan shows where the firewall moved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'le-plan-'));
    try {
      const config = join(dir, 'egress.yaml');
      const text = readFileSync('examples/firewall-top.yaml', 'utf8').replace(
        '    addressSpace: 172.16.0.0/16\n',
        '    addressSpace: 172.16.0.0/16\n    nodeSubnet: 172.16.192.0/18\n',
      );
      writeFileSync(config, text);
      const { code, out } = await run(['plan', '--config', config, '--json']);
      expect(code).toBe(EXIT.ok);
      const l4 = JSON.parse(out).levels[0];
      expect([l4.nodeSubnet, l4.firewallSubnet, l4.firewallIp]).toEqual(['172.16.192.0/18', '172.16.0.0/26', '172.16.0.4']);
      expectPartition(l4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('placement hub: a hub row first, with its address space, AzureFirewallSubnet, firewall IP and free blocks; the levels as without a firewall', () => {
    const levels = loadConfig('infra/egress.yaml').levels;
    const firewall = buildFirewallModel(
      { placement: 'hub', sku: undefined, threatIntel: undefined, idps: undefined, publicIps: undefined, tls: undefined },
      { addressSpace: '10.100.0.0/22' },
      levels[0].addresses,
    );
    const rows = addressPlanRows({ levels, firewall });
    expect(rows[0]).toEqual({
      level: 'hub',
      addressSpace: '10.100.0.0/22',
      firewallSubnet: '10.100.0.0/26',
      firewallIp: '10.100.0.4',
      free: ['10.100.0.64/26', '10.100.0.128/25', '10.100.1.0/24', '10.100.2.0/23'],
    });
    expect(rows.slice(1)).toEqual(addressPlanRows({ levels }));
    rows.forEach(expectPartition);

    const markdown = addressPlanMarkdown(rows).split('\n');
    expect(`${markdown.slice(0, 2).join('\n')}\n`).toBe(FIREWALL_HEADER);
    expect(markdown[2]).toBe(
      '| hub | 10.100.0.0/22 | - | - | - | - | 10.100.0.0/26 | 10.100.0.4 | 10.100.0.64/26, 10.100.0.128/25, 10.100.1.0/24, 10.100.2.0/23 |',
    );
    expect(markdown[3]).toMatch(/^\| l4 \| 172\.16\.0\.0\/16 \| .* \| 172\.16\.64\.5 \| - \| - \| 172\.16\.65\.0\/24, /);
  });

  test('plan --json on examples/hub-spoke.yaml: the hub row first, then the levels', async () => {
    const { code, out } = await run(['plan', '--config', 'examples/hub-spoke.yaml', '--json']);
    expect(code).toBe(EXIT.ok);
    const rows = JSON.parse(out).levels;
    expect(rows.map((r: PlanRow) => r.level)).toEqual(['hub', 'l4', 'l3', 'l2']);
    expect(rows[0]).toMatchObject({ addressSpace: '172.22.0.0/22', firewallSubnet: '172.22.0.0/26', firewallIp: '172.22.0.4' });
    rows.forEach(expectPartition);
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
