/**
 * lib/verify: reads the synthesized artifacts back (never the renderers' objects),
 * models each engine's documented matching rules, and answers "is name N resolved and
 * routed at level L?" for `check` and `explain`. It imports only lib/model (for the
 * intended levels and allow-list), never lib/render, lib/network or lib/workloads.
 */
import { EgressModel } from '../model';
import { loadArtifacts } from './artifacts';
import { Report, runCheck } from './check';
import { explainName } from './explain';
import { intentFromModel } from './intent';
import { buildWorld } from './world';

export * from './artifacts';
export * from './check';
export * from './explain';
export * from './intent';
export * from './report';
export * from './types';
export * from './world';
export { ALL_RULES } from './rules';

/** Reads both folders from disk and runs every rule. */
export function checkArtifacts(model: EgressModel, cdktfOut: string, manifestsOut: string): Report {
  return runCheck(intentFromModel(model), loadArtifacts(cdktfOut, manifestsOut));
}

/** Reads both folders and explains one name. */
export function explainArtifacts(
  model: EgressModel,
  cdktfOut: string,
  manifestsOut: string,
  name: string,
  from?: string,
  port?: number,
): { text: string; ok: boolean } {
  return explainName(buildWorld(intentFromModel(model), loadArtifacts(cdktfOut, manifestsOut)), name, from, port);
}
