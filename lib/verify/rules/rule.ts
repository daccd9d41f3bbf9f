import { Intent } from '../intent';
import { Accepted, acceptedPatterns, formatNameSet, mentionedNames } from '../accepts';
import { artifactProbes, Probe, probesFor } from '../probes';
import { Finding, Layer, RuleResult, Source } from '../types';
import { LevelWorld, World } from '../world';

/**
 * A verifier rule (cdk-nag style): an id, what it proves, and a pure function from the
 * linked artifacts to compliant / non-compliant (with findings) / not applicable.
 */
export interface Rule {
  readonly id: string;
  readonly layer: Layer;
  /** One sentence: what holds when the rule is compliant. */
  readonly description: string;
  evaluate(ctx: CheckContext): RuleResult;
}

/** What every rule reads: the linked artifacts and the probe names, computed once. */
export interface CheckContext {
  readonly world: World;
  readonly intent: Intent;
  /** Probe names: derived from the allow-list, then from the artifacts' own names. */
  readonly probes: readonly Probe[];
  /** Everything the artifacts accept, line by line. */
  readonly accepted: readonly Accepted[];
}

export function checkContext(world: World): CheckContext {
  const listed = probesFor(world.intent);
  const accepted = acceptedPatterns(world);
  const sets = [...accepted.map((a) => ({ names: a.names, from: `${a.engine} ${a.level} ${formatNameSet(a.names)}` })), ...mentionedNames(world)];
  const probes = [...listed, ...artifactProbes(world.intent, sets, new Set(listed.map((p) => p.name)))];
  return { world, intent: world.intent, probes, accepted };
}

/** Levels in config order (top first). */
export function levelsOf(ctx: CheckContext): LevelWorld[] {
  return ctx.intent.levels.map((l) => ctx.world.levels.get(l.name)!).filter((l) => l !== undefined);
}

/** Builds a finding. */
export function finding(
  rule: string,
  layer: Layer,
  level: string,
  message: string,
  extra: { name?: string; port?: number; source?: Source; severity?: 'error' | 'warning' } = {},
): Finding {
  return { rule, severity: extra.severity ?? 'error', level, layer, name: extra.name, port: extra.port, message, source: extra.source };
}
