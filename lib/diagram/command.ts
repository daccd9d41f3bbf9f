import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, formatIssue, loadConfig, resolveConfigPath } from '../model';
import { topologyDot } from './dot';
import { renderSvg } from './render';
import { topologyFromModel } from './topology';

/** Where `diagram` writes without `--out`. */
export const DEFAULT_DIAGRAM_PATH = 'topology.svg';

/** Options of `layered-egress diagram`. */
export interface DiagramCommandOptions {
  /** Config file. @default $EGRESS_CONFIG, else infra/egress.yaml */
  readonly config?: string;
  /** SVG path; the DOT source goes next to it with the extension `.dot`. @default 'topology.svg' */
  readonly out?: string;
}

/** The DOT path that goes with an SVG path. */
export function dotPathFor(svgPath: string): string {
  return svgPath.endsWith('.svg') ? `${svgPath.slice(0, -'.svg'.length)}.dot` : `${svgPath}.dot`;
}

/**
 * Writes the topology picture of the config (SVG) and its DOT source. Both are built in
 * memory first: an invalid config or a rendering failure writes nothing.
 * @returns the exit code: 0 written, 1 failed, 2 invalid config
 */
export async function runDiagramCommand(options: DiagramCommandOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const configPath = resolveConfigPath(options.config);
  const svgPath = options.out ?? DEFAULT_DIAGRAM_PATH;
  const dotPath = dotPathFor(svgPath);
  try {
    const model = loadConfig(configPath);
    for (const warning of model.warnings) err.write(`warning: ${formatIssue(warning)}\n`);
    const dot = topologyDot(topologyFromModel(model));
    const svg = await renderSvg(dot);
    mkdirSync(dirname(svgPath), { recursive: true });
    writeFileSync(dotPath, dot);
    writeFileSync(svgPath, svg);
    out.write(`Wrote ${svgPath} and ${dotPath} (${model.levels.length} level(s) from ${configPath}).\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`layered-egress: ${e.message}\nNothing was written.\n`);
      return 2;
    }
    err.write(`layered-egress: diagram failed: ${(e as Error).message}\nNothing was written.\n`);
    return 1;
  }
}
