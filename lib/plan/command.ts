import { ConfigError, formatIssue, loadConfig, resolveConfigPath } from '../model';
import { addressPlanMarkdown, addressPlanRows } from './address-table';

/** Options of `layered-egress plan`. */
export interface PlanCommandOptions {
  /** Config file. @default $EGRESS_CONFIG, else infra/egress.yaml */
  readonly config?: string;
  /** Print JSON instead of the Markdown table. @default false */
  readonly json?: boolean;
}

/**
 * Prints the address plan of the config: every level's address space, subnets, Envoy
 * and DNS IPs and the blocks left free, with the Azure Firewall's subnet and IP where
 * the config has one (the top level's row, or a `hub` row first). Writes no file.
 * @returns the exit code: 0 printed, 2 invalid config
 */
export function runPlanCommand(options: PlanCommandOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const configPath = resolveConfigPath(options.config);
  try {
    const model = loadConfig(configPath);
    for (const warning of model.warnings) err.write(`warning: ${formatIssue(warning)}\n`);
    const rows = addressPlanRows(model);
    out.write(options.json ? `${JSON.stringify({ config: configPath, levels: rows }, null, 2)}\n` : addressPlanMarkdown(rows));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`layered-egress: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
