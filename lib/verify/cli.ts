import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatIssue, loadConfig, resolveConfigPath } from '../model';
import { parseDomain } from '../model/domain';
import { checkArtifacts, explainArtifacts } from './index';
import { PROBE_LABEL } from './probes';
import { formatReport, reportJson } from './report';
import { EXPLAIN_HELP } from './help';

/** Options shared by `check` and `explain`. */
export interface VerifyCommandOptions {
  readonly config?: string;
  /** @default 'cdktf.out' */
  readonly cdktfOut?: string;
  /** @default 'manifests' */
  readonly manifestsOut?: string;
}

/** Exit codes (same as the CLI's). */
const EXIT = { ok: 0, failed: 1, invalidConfig: 2, usage: 64 } as const;

export { CHECK_HELP, EXPLAIN_HELP } from './help';

/** One line, when a folder holds no synthesized output: what to run. */
function missingOutput(cdktfOut: string, manifestsOut: string): string | undefined {
  const missing = [existsSync(join(cdktfOut, 'stacks')) ? undefined : join(cdktfOut, 'stacks'), existsSync(manifestsOut) ? undefined : manifestsOut].filter(
    (x): x is string => x !== undefined,
  );
  if (missing.length === 0) return undefined;
  return `layered-egress: nothing to check: ${missing.join(' and ')} not found; run \`npm run synth\` (or \`layered-egress synth\`) first.`;
}

/** `layered-egress check`: 0 when every rule passes, 1 on violations, 2 on an invalid config. */
export function runCheckCommand(options: VerifyCommandOptions & { readonly json?: boolean }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const configPath = resolveConfigPath(options.config);
  const cdktfOut = options.cdktfOut ?? 'cdktf.out';
  const manifestsOut = options.manifestsOut ?? 'manifests';
  try {
    const model = loadConfig(configPath);
    const missing = missingOutput(cdktfOut, manifestsOut);
    if (missing) {
      err.write(`${missing}\n`);
      return EXIT.failed;
    }
    if (!options.json) for (const w of model.warnings) err.write(`warning: ${formatIssue(w)}\n`);
    const report = checkArtifacts(model, cdktfOut, manifestsOut);
    out.write(options.json ? reportJson(report) : formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`layered-egress: ${e.message}\n`);
      return EXIT.invalidConfig;
    }
    err.write(`layered-egress: check failed: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}

/**
 * `layered-egress explain <name> [--from <level>] [--port <n>]`: 0 when the name behaves
 * as the allow-list says, 1 otherwise; 64 for a string that is not a name (with the
 * message synth gives for it), an unknown level or a bad port.
 */
export function runExplainCommand(
  options: VerifyCommandOptions & { readonly name: string; readonly from?: string; readonly port?: string },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  const configPath = resolveConfigPath(options.config);
  const usage = (message: string) => {
    err.write(`layered-egress: explain: ${message}\n\n${EXPLAIN_HELP}\n`);
    return EXIT.usage;
  };
  try {
    const model = loadConfig(configPath);
    const parsed = parseDomain(options.name, model.location);
    if (!parsed.ok) return usage(`${JSON.stringify(options.name)}: ${parsed.rule}`);
    let port: number | undefined;
    if (options.port !== undefined) {
      port = /^\d{1,5}$/.test(options.port) ? Number(options.port) : NaN;
      if (!(port >= 1 && port <= 65535)) return usage(`--port ${JSON.stringify(options.port)}: a TCP port is a whole number from 1 to 65535`);
    }
    if (options.from !== undefined && !model.levels.some((l) => l.name === options.from)) {
      return usage(`unknown level '${options.from}': the levels are ${model.levels.map((l) => l.name).join(', ')}`);
    }
    const cdktfOut = options.cdktfOut ?? 'cdktf.out';
    const manifestsOut = options.manifestsOut ?? 'manifests';
    const missing = missingOutput(cdktfOut, manifestsOut);
    if (missing) {
      err.write(`${missing}\n`);
      return EXIT.failed;
    }
    const value = parsed.value;
    // A wildcard stands for the names below it: explain one of them.
    const name = value.kind === 'wildcard' ? `${PROBE_LABEL}.${value.suffix}` : value.name;
    if (value.kind === 'wildcard') out.write(`${value.pattern}: explaining ${name}, a name below ${value.suffix}\n`);
    const result = explainArtifacts(model, cdktfOut, manifestsOut, name, options.from, port);
    out.write(result.text);
    return result.ok ? EXIT.ok : EXIT.failed;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`layered-egress: ${e.message}\n`);
      return EXIT.invalidConfig;
    }
    err.write(`layered-egress: explain failed: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}
