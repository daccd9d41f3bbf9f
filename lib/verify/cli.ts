import { ConfigError, formatIssue, loadConfig, resolveConfigPath } from '../model';
import { checkArtifacts, explainArtifacts } from './index';
import { formatReport, reportJson } from './report';

/** Options shared by `check` and `explain`. */
export interface VerifyCommandOptions {
  readonly config?: string;
  /** @default 'cdktf.out' */
  readonly cdktfOut?: string;
  /** @default 'manifests' */
  readonly manifestsOut?: string;
}

/** Exit codes (same as the CLI's). */
const EXIT = { ok: 0, failed: 1, invalidConfig: 2 } as const;

/** `layered-egress check`: 0 when every rule passes, 1 on violations, 2 on an invalid config. */
export function runCheckCommand(options: VerifyCommandOptions & { readonly json?: boolean }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const configPath = resolveConfigPath(options.config);
  try {
    const model = loadConfig(configPath);
    if (!options.json) for (const w of model.warnings) err.write(`warning: ${formatIssue(w)}\n`);
    const report = checkArtifacts(model, options.cdktfOut ?? 'cdktf.out', options.manifestsOut ?? 'manifests');
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

/** `layered-egress explain <name> [--from <level>]`: 0 when the name behaves as the allow-list says, 1 otherwise. */
export function runExplainCommand(options: VerifyCommandOptions & { readonly name: string; readonly from?: string }, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const configPath = resolveConfigPath(options.config);
  try {
    const model = loadConfig(configPath);
    const result = explainArtifacts(model, options.cdktfOut ?? 'cdktf.out', options.manifestsOut ?? 'manifests', options.name, options.from);
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
