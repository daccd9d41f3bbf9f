/**
 * The deploy commands README.md and docs/network.md give are accepted by the cdktf CLI
 * this project pins (0.21): each documented `npx cdktf deploy ...` line is run by the real
 * CLI (node_modules/.bin/cdktf) on freshly synthesized stacks, offline. The CLI parses the
 * flags, checks stack dependencies and starts `terraform init` for the named stack, which
 * then stops because a Terraform CLI config points provider installation at an empty
 * folder: nothing is downloaded, nothing deployed. Needs a `terraform` binary: skipped
 * with a message when there is none, a failure under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../lib/model';
import { synthTerraform } from '../../lib/synth/terraform';

const CDKTF = resolve('node_modules/.bin/cdktf');
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!terraform && process.env.CI === 'true') {
  test('terraform is installed (required in CI for the cdktf CLI test)', () => {
    throw new Error('terraform is not on PATH: the cdktf deploy command test cannot run');
  });
}
if (!terraform) console.warn('terraform not on PATH: skipping the cdktf deploy command-line test (it needs Terraform to get past the CLI checks offline)');
const real = terraform ? describe : describe.skip;

/** Every `npm run cdktf -- deploy ...` (or `npx cdktf deploy ...`) command line in the user docs, as argument lists. */
function documentedDeployCommands(texts: readonly string[]): string[][] {
  const lines = new Set<string>();
  // `npm run cdktf -- deploy ...` is the documented form (the script only adds CHECKPOINT_DISABLE=1); `npx cdktf deploy ...` too.
  for (const text of texts) for (const m of text.matchAll(/(?:npx cdktf|npm run cdktf --) deploy ([a-z0-9][a-z0-9 -]*?)\s*(?=`|$)/gm)) lines.add(m[1]);
  return [...lines].map((line) => ['deploy', ...line.split(/\s+/)]);
}

/**
 * The deploy lines of `docs` run against the stacks of `config`: each is accepted and
 * reaches `terraform init`; `alone`, deployed without the flag, is refused for want of
 * `missing` (the check this test relies on can fail).
 */
function deployCommandSuite(
  title: string,
  config: string,
  docs: readonly string[],
  stacks: readonly string[],
  alone: { stack: string; missing: string },
): void {
  real(title, () => {
    let dir: string;
    const run = (args: string[]): string => {
      const r = spawnSync(CDKTF, [...args, '--skip-synth', '--auto-approve'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, CI: 'true', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'offline.tfrc'), FORCE_COLOR: '0', NO_COLOR: '1' },
      });
      return `${r.stdout}\n${r.stderr}`;
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'le-cdktf-cli-'));
      writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'false' }));
      for (const [file, content] of synthTerraform(loadConfig(config))) {
        mkdirSync(dirname(join(dir, 'cdktf.out', file)), { recursive: true });
        writeFileSync(join(dir, 'cdktf.out', file), content);
      }
      mkdirSync(join(dir, 'empty-mirror'));
      writeFileSync(
        join(dir, 'offline.tfrc'),
        `provider_installation {\n  filesystem_mirror {\n    path    = "${join(dir, 'empty-mirror')}"\n    include = ["*/*/*"]\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`,
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const commands = documentedDeployCommands(docs.map((f) => readFileSync(f, 'utf8')));

    test(`the docs give one deploy command per stack (${stacks.join(', ')})`, () => {
      expect(commands.map((c) => c[1])).toEqual(expect.arrayContaining([...stacks]));
    });

    test.each(commands.map((c) => [c.join(' '), c]))(
      'cdktf %s is accepted and reaches terraform init',
      (_line, args) => {
        const out = run(args as string[]);
        expect(out).not.toMatch(/Usage Error|Unknown argument|not included in the stacks to run/);
        expect(out).toMatch(/terraform init failed/);
        expect(out).toMatch(new RegExp(`^${(args as string[])[1]}\\s`, 'm'));
      },
      120_000,
    );

    test(`without the flag, cdktf 0.21 refuses ${alone.stack} alone (the check this test relies on can fail)`, () => {
      expect(run(['deploy', alone.stack])).toMatch(new RegExp(`The following dependencies are not included in the stacks to run: ${alone.missing}`));
    }, 120_000);
  });
}

deployCommandSuite('documented cdktf deploy command lines (cdktf CLI, offline)', 'infra/egress.yaml', ['README.md', 'docs/network.md'], ['l4', 'l3', 'l2'], {
  stack: 'l3',
  missing: 'l4',
});
deployCommandSuite(
  'documented hub-spoke deploy command lines (cdktf CLI, offline)',
  'examples/hub-spoke.yaml',
  ['docs/firewall.md'],
  ['hub', 'l4', 'l3', 'l2'],
  {
    stack: 'l4',
    missing: 'hub',
  },
);
