#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, formatIssue, loadConfig, resolveConfigPath } from '../model';
import { formatChanges } from '../synth/changes';
import { OutputError } from '../synth/errors';
import { synthAll } from '../synth/synth';
import { CHECK_HELP, EXPLAIN_HELP } from '../verify/help';

/** Exit codes: documented in the README. */
export const EXIT = { ok: 0, failed: 1, invalidConfig: 2, usage: 64 } as const;

const USAGE = `Usage: layered-egress <command> [options]

Commands:
  synth            Write Terraform JSON (cdktf.out/stacks/<level>/cdk.tf.json) and
                   Kubernetes YAML (manifests/<level>/) from the config.
  check            Read cdktf.out/ and manifests/ back and prove every level lets out
                   exactly the allow-list (docs/verify.md). --json for a CI report.
  explain <name>   The path of one name hop by hop, or where and why it stops.
                   --from <level> picks the level (default: the bottom one),
                   --port <n> the port.
  plan             Print the address plan: per level the address space, node and
                   load-balancer subnets, Envoy and DNS IPs, free blocks (Markdown
                   table; --json for JSON).
  diagram          Draw the topology of the config: an SVG (--out, default topology.svg)
                   and its Graphviz DOT source next to it (.dot).

Options:
  --config <path>  Config file (default: $EGRESS_CONFIG, else infra/egress.yaml)
  --cdktf-out <dir>      Terraform output folder (default: cdktf.out)
  --manifests-out <dir>  Manifests output folder (default: manifests)
  --json           check, synth, plan: print JSON (the report, the change set, the plan)
  --quiet          synth: print nothing but warnings and errors
  --from <level>   explain: start at this level
  --port <n>       explain: only this port
  --out <file.svg> diagram: where to write the SVG (the .dot goes next to it)
  -h, --help       Show this help (after a command: that command's help)
  -V, --version    Print the version

Exit codes: 0 done, 1 failed (check: violations found), 2 invalid config (nothing written), 64 usage error.`;

const SYNTH_HELP = `Usage: layered-egress synth [--config path] [--cdktf-out dir] [--manifests-out dir] [--quiet | --json]

Writes Terraform JSON (cdktf.out/stacks/<level>/cdk.tf.json) and Kubernetes YAML
(manifests/<level>/) from the config, as one transaction over both folders
(docs/outputs.md): an interrupted or failed run leaves the previous outputs whole, and
the next run finishes or undoes it. Replaces only the files it wrote before; never
follows a symbolic link; one run at a time.

Then says what changed against the outputs as they were: levels and files added,
changed and removed. A level that is gone leaves its Terraform state and Azure
resources behind: a warning (stderr) says where the state is and what to run to
destroy them (\`npx cdktf destroy <level>\` with the config that still has the level).

  --quiet  print nothing on stdout (warnings and errors still go to stderr)
  --json   print the change set as one JSON object on stdout (docs/outputs.md):
           {"config", "levels": {"added", "changed", "removed", "unchanged"},
            "files": {"added", "changed", "removed"}, "removedLevels": [...]}

Exit codes: 0 written, 1 failed (the message says whether anything changed),
2 invalid config (nothing written), 64 usage error.`;

const DIAGRAM_HELP = `Usage: layered-egress diagram [--config path] [--out file.svg]

Draws the topology of the config, top level first: address spaces, Envoy and DNS IPs,
the ports proxied upward with the number of names on each, strict DNS and peerings.
Writes the SVG (default topology.svg) and its Graphviz DOT source next to it (.dot).

Exit codes: 0 written, 1 failed, 2 invalid config (nothing written), 64 usage error.`;

const PLAN_HELP = `Usage: layered-egress plan [--config path] [--json]

Prints the address plan of the config, top level first: each level's address space, its
node subnet and load-balancer subnet, the Envoy and DNS load-balancer IPs, and the blocks
of the space left free for your own subnets. With a firewall, its AzureFirewallSubnet
and private IP too: on the top level's row (placement top), or on a "hub" row first
(placement hub: the hub's address space, firewall subnet and IP, free blocks). A
Markdown table by default (the README's table is this output for infra/egress.yaml);
--json prints {"config", "levels": [{"level", "addressSpace", "nodeSubnet",
"loadBalancerSubnet", "envoyIp", "dnsIp", "firewallSubnet"?, "firewallIp"?,
"free": [...]}]}. Writes no file.

Exit codes: 0 printed, 2 invalid config, 64 usage error.`;

const VERB_HELP: Readonly<Record<string, string>> = { plan: PLAN_HELP, synth: SYNTH_HELP, check: CHECK_HELP, explain: EXPLAIN_HELP, diagram: DIAGRAM_HELP };

/** The package version, from the nearest package.json above this file (source and compiled layouts). */
function version(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String(JSON.parse(readFileSync(file, 'utf8')).version);
  }
  return 'unknown';
}

interface Args {
  command?: string;
  options: Map<string, string>;
  help: boolean;
  version: boolean;
  json: boolean;
  quiet: boolean;
  positional: string[];
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { options: new Map(), help: false, version: false, json: false, quiet: false, positional: [] };
  const valued = new Set(['--config', '--cdktf-out', '--manifests-out', '--from', '--port', '--out']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg === '-V' || arg === '--version') args.version = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--quiet' || arg === '-q') args.quiet = true;
    else if (valued.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      args.options.set(arg, value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (args.command === undefined) args.command = arg;
    else if (args.command === 'explain' && args.positional.length === 0) args.positional.push(arg);
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  return args;
}

/** Runs the CLI; returns the exit code (a promise of it for `diagram`) instead of exiting so tests can call it. */
export function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): number | Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err.write(`layered-egress: ${(e as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args.version) {
    out.write(`layered-egress ${version()}\n`);
    return EXIT.ok;
  }
  if (args.help && args.command !== undefined && VERB_HELP[args.command]) {
    out.write(`${VERB_HELP[args.command]}\n`);
    return EXIT.ok;
  }
  if (args.help || args.command === undefined) {
    (args.help ? out : err).write(`${USAGE}\n`);
    return args.help ? EXIT.ok : EXIT.usage;
  }
  // The other verbs' modules load only when asked for: synth, the one that runs in every
  // pipeline, never pays for the verifier or Graphviz (the bench measures whole processes).
  /* eslint-disable @typescript-eslint/no-require-imports -- deferred loading, see above */
  if (args.command === 'check' || args.command === 'explain') {
    const { runCheckCommand, runExplainCommand } = require('../verify/cli') as typeof import('../verify/cli');
    const options = { config: args.options.get('--config'), cdktfOut: args.options.get('--cdktf-out'), manifestsOut: args.options.get('--manifests-out') };
    if (args.command === 'check') return runCheckCommand({ ...options, json: args.json }, out, err);
    if (args.positional.length !== 1) {
      err.write(`layered-egress: explain needs a name\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    return runExplainCommand({ ...options, name: args.positional[0], from: args.options.get('--from'), port: args.options.get('--port') }, out, err);
  }
  if (args.command === 'plan') {
    const { runPlanCommand } = require('../plan/command') as typeof import('../plan/command');
    return runPlanCommand({ config: args.options.get('--config'), json: args.json }, out, err);
  }
  if (args.command === 'diagram') {
    const { runDiagramCommand } = require('../diagram/command') as typeof import('../diagram/command');
    return runDiagramCommand({ config: args.options.get('--config'), out: args.options.get('--out') }, out, err);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (args.command !== 'synth') {
    err.write(`layered-egress: unknown command '${args.command}'\n\n${USAGE}\n`);
    return EXIT.usage;
  }

  if (args.quiet && args.json) {
    err.write(`layered-egress: --quiet and --json exclude each other\n\n${SYNTH_HELP}\n`);
    return EXIT.usage;
  }
  const configPath = resolveConfigPath(args.options.get('--config'));
  try {
    const model = loadConfig(configPath);
    for (const warning of model.warnings) err.write(`warning: ${formatIssue(warning)}\n`);
    const result = synthAll(model, { cdktfOut: args.options.get('--cdktf-out'), manifestsOut: args.options.get('--manifests-out') });
    for (const folder of result.recovery.rolledForward) err.write(`note: finished the commit of an interrupted earlier synth in ${folder}\n`);
    for (const folder of result.recovery.rolledBack) err.write(`note: removed the uncommitted staging of an interrupted earlier synth in ${folder}\n`);
    for (const removed of result.removedLevels) err.write(`warning: ${removed.message}\n`);
    if (args.json) {
      out.write(`${JSON.stringify({ config: configPath, ...result.changes, removedLevels: result.removedLevels }, null, 2)}\n`);
    } else if (!args.quiet) {
      out.write(
        `Synthesized ${model.levels.length} level(s) from ${configPath}: ` +
          `${result.terraformFiles.length} Terraform file(s), ${result.manifestFiles.length} manifest file(s).\n${formatChanges(result.changes)}`,
      );
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`layered-egress: ${e.message}\nNothing was written.\n`);
      return EXIT.invalidConfig;
    }
    if (e instanceof OutputError) {
      err.write(`layered-egress: ${e.message}\n${e.written ? '' : 'Nothing was written.\n'}`);
      return EXIT.failed;
    }
    // A bug, not an expected failure: keep the stack for the report. Every failure once
    // the outputs may have changed arrives as an OutputError, so this one changed nothing.
    err.write(`layered-egress: synth failed: ${(e as Error).stack ?? String(e)}\nNothing was written.\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
