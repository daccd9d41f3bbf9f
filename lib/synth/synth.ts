import { ConfigError, EgressModel } from '../model';
import { ManifestSizeError } from '../workloads/common';
import { synthManifests } from './manifests';
import { writeOutputTrees } from './outputs';
import { isCdktfGenerated, synthTerraform } from './terraform';

/** Where synth writes. */
export interface SynthTargets {
  /** Terraform output folder. @default 'cdktf.out' */
  readonly cdktfOut?: string;
  /** Kubernetes manifests folder (the GitOps content). @default 'manifests' */
  readonly manifestsOut?: string;
}

/** What a synth produced, for reporting. */
export interface SynthResult {
  readonly terraformFiles: readonly string[];
  readonly manifestFiles: readonly string[];
}

/**
 * Synthesizes both outputs completely in memory first, then replaces the generated
 * files of both folders. Any failure before the final step leaves both folders untouched.
 */
export function synthAll(model: EgressModel, targets: SynthTargets = {}): SynthResult {
  const cdktfOut = targets.cdktfOut ?? 'cdktf.out';
  const manifestsOut = targets.manifestsOut ?? 'manifests';
  const terraform = synthTerraform(model);
  const manifests = withConfigContext(model, () => synthManifests(model));
  writeOutputTrees([
    { root: cdktfOut, files: terraform, alwaysOwned: isCdktfGenerated },
    { root: manifestsOut, files: manifests },
  ]);
  return {
    terraformFiles: [...terraform.keys()].map((f) => `${cdktfOut}/${f}`),
    manifestFiles: [...manifests.keys()].map((f) => `${manifestsOut}/${f}`),
  };
}

/**
 * A config that renders an object Kubernetes would refuse is a config problem: report it
 * like one (file, rule, exit code 2) rather than as a crash.
 */
function withConfigContext<T>(model: EgressModel, render: () => T): T {
  try {
    return render();
  } catch (e) {
    if (e instanceof ManifestSizeError) throw new ConfigError([{ file: model.file, path: 'allowList', rule: e.message }]);
    throw e;
  }
}
