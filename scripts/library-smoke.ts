/**
 * The package as a user gets it: `npm pack`, install the tarball into a scratch folder
 * under the system temp folder, compile and run the two example apps of
 * examples/library (which import `layered-egress` by name), run the installed CLI on the
 * same config, and require the apps' Terraform JSON and manifests to equal the CLI's,
 * apart from the user's own stack and chart. The scratch folder is removed at the end,
 * whatever happens. Run by `npm run smoke:library` (CI runs it after `npm test`).
 *
 * Usage: node dist/scripts/library-smoke.js [config]   (default: infra/egress.yaml)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** The example apps' own additions, which the CLI does not produce. */
export const OWN = { stack: 'landing-zone', chart: 'platform' } as const;

/** Every file under `root`, by path relative to it (`/`-separated); dot files skipped. */
export function readFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** Output of one side: cdktf.out and the Kubernetes YAML files. */
export interface SynthOutput {
  /** `manifest.json`, `stacks/<stack>/cdk.tf.json`, ... relative to the cdktf output folder. */
  readonly terraform: ReadonlyMap<string, string>;
  /** CLI: `<level>/<chart>.yaml`; a cdk8s app: `[NNNN-]<level>-<chart>-c8<hash>.k8s.yaml` (one file per chart). */
  readonly manifests: ReadonlyMap<string, string>;
}

/**
 * Differences between an example app's output and the CLI's for the same config, ignoring
 * the app's own stack and chart (`own`) and the CLI's kustomization files. Empty when equal.
 */
export function compareWithCli(cli: SynthOutput, app: SynthOutput, own: { stack: string; chart: string } = OWN): string[] {
  const problems: string[] = [];

  // Terraform: every stack file byte for byte; manifest.json without the app's own stack.
  const ownStack = new RegExp(`^stacks/${escape(own.stack)}/`);
  const appTf = new Map([...app.terraform].filter(([path]) => !ownStack.test(path)));
  if (!app.terraform.has(`stacks/${own.stack}/cdk.tf.json`)) problems.push(`Terraform: the app's own stack '${own.stack}' is missing`);
  for (const [path, text] of cli.terraform) {
    const other = appTf.get(path);
    if (other === undefined) problems.push(`Terraform: ${path} is missing from the app's output`);
    else if (path === 'manifest.json') {
      const stripped = JSON.parse(other) as { stacks?: Record<string, unknown> };
      if (!stripped.stacks || !(own.stack in stripped.stacks)) problems.push(`Terraform: manifest.json does not list the app's own stack '${own.stack}'`);
      else delete stripped.stacks[own.stack];
      if (JSON.stringify(stripped) !== JSON.stringify(JSON.parse(text))) problems.push('Terraform: manifest.json differs (after removing the own stack)');
    } else if (other !== text) problems.push(`Terraform: ${path} differs`);
  }
  for (const path of appTf.keys()) if (!cli.terraform.has(path)) problems.push(`Terraform: ${path} is not in the CLI's output`);

  // Kubernetes: each CLI chart file equals exactly one app file named after the chart's path.
  const unmatched = new Set([...app.manifests.keys()].filter((f) => !chartFilePattern(own.chart).test(f)));
  if (unmatched.size === app.manifests.size) problems.push(`Kubernetes: the app's own chart '${own.chart}' is missing`);
  for (const [path, text] of cli.manifests) {
    const [level, file] = path.split('/');
    if (file === 'kustomization.yaml') continue;
    const pattern = chartFilePattern(`${level}-${file.replace(/\.yaml$/, '')}`);
    const candidates = [...unmatched].filter((f) => pattern.test(f));
    if (candidates.length !== 1) {
      problems.push(`Kubernetes: ${path} has ${candidates.length} matching app files (${candidates.join(', ') || 'none'})`);
      continue;
    }
    unmatched.delete(candidates[0]);
    if (app.manifests.get(candidates[0]) !== text) problems.push(`Kubernetes: ${candidates[0]} differs from ${path}`);
  }
  for (const file of unmatched) problems.push(`Kubernetes: ${file} is not in the CLI's output`);
  return problems;
}

/**
 * The file cdk8s writes for a chart whose path, joined with '-', is `label`: a hash of
 * the path follows unless the path is one valid name; an index leads when charts depend
 * on each other.
 */
function chartFilePattern(label: string): RegExp {
  return new RegExp(`^(?:\\d{4}-)?${escape(label)}(?:-c8[0-9a-f]{6})?\\.k8s\\.yaml$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Dependencies the example shares with the library must be the library's versions (npm dedupes them to one copy). */
export function versionMismatches(library: Record<string, string>, example: Record<string, string>): string[] {
  return Object.entries(example)
    .filter(([name, version]) => name in library && library[name] !== version)
    .map(([name, version]) => `examples/library/package.json: ${name} ${version} differs from the library's ${library[name]}`);
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function main(argv: readonly string[]): number {
  const root = process.cwd();
  const config = resolve(argv[0] ?? 'infra/egress.yaml');
  const scratch = mkdtempSync(join(tmpdir(), 'layered-egress-library-smoke-'));
  const cleanup = (): void => rmSync(scratch, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const library = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };

    run(npm, ['pack', '--silent', '--pack-destination', scratch], root);
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    process.stdout.write(`packed ${tarball}\n`);

    const appDir = join(scratch, 'app');
    cpSync(join(root, 'examples/library'), appDir, { recursive: true, filter: (src) => !/[/\\](node_modules|build|cdktf\.out|cdk8s\.out)$/.test(src) });
    const pkgPath = join(appDir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const mismatches = versionMismatches({ ...library.devDependencies, ...library.dependencies }, { ...pkg.devDependencies, ...pkg.dependencies });
    if (mismatches.length > 0) throw new Error(mismatches.join('\n'));
    pkg.dependencies['layered-egress'] = `file:${join(scratch, tarball)}`;
    writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');

    // Registry packages come from npm's cache when present (the library's own dependencies are).
    run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], appDir);
    run(process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], appDir);

    const env: NodeJS.ProcessEnv = { ...process.env, EGRESS_CONFIG: config };
    delete env.CDKTF_OUTDIR;
    delete env.CDK8S_OUTDIR;
    process.stdout.write(run(process.execPath, ['build/cdktf-app.js'], appDir, env));
    process.stdout.write(run(process.execPath, ['build/cdk8s-app.js'], appDir, env));
    const cliOut = join(scratch, 'cli');
    const bin = join(appDir, 'node_modules/.bin/layered-egress');
    if (!existsSync(bin)) throw new Error('the installed package has no layered-egress bin');
    process.stdout.write(
      run(bin, ['synth', '--config', config, '--cdktf-out', join(cliOut, 'cdktf.out'), '--manifests-out', join(cliOut, 'manifests')], appDir),
    );

    const cli = { terraform: readFiles(join(cliOut, 'cdktf.out')), manifests: readFiles(join(cliOut, 'manifests')) };
    const app = { terraform: readFiles(join(appDir, 'cdktf.out')), manifests: readFiles(join(appDir, 'cdk8s.out')) };
    const problems = compareWithCli(cli, app);
    if (problems.length > 0) {
      process.stderr.write(`library smoke: the example apps' output differs from the CLI's:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    const manifests = [...cli.manifests.keys()].filter((p) => !p.endsWith('kustomization.yaml')).length;
    process.stdout.write(
      `library smoke: OK: ${cli.terraform.size} Terraform files and ${manifests} chart files of the example apps equal the CLI's (${config})\n`,
    );
    return 0;
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
