import { ConfigError, EgressModel } from '../model';
import { ManifestSizeError } from '../workloads/common';
import { synthManifests } from './manifests';
import { WriteOptions, writeOutputTrees } from './outputs';
import { isCdktfGenerated, synthTerraform } from './terraform';
import { Recovery } from './transaction';

/** Where synth writes. */
export interface SynthTargets extends WriteOptions {
  /** Terraform output folder. @default 'cdktf.out' */
  readonly cdktfOut?: string;
  /** Kubernetes manifests folder (the GitOps content). @default 'manifests' */
  readonly manifestsOut?: string;
}

/** What a synth produced, for reporting. */
export interface SynthResult {
  readonly terraformFiles: readonly string[];
  readonly manifestFiles: readonly string[];
  /** What an earlier, interrupted run left and this run finished or undid first. */
  readonly recovery: Recovery;
}

/**
 * Synthesizes both outputs completely in memory first, then commits both folders as one
 * change (see `writeOutputTrees`): a failure or a kill at any point leaves either the old
 * or the new content of both folders, never a mix.
 */
export function synthAll(model: EgressModel, targets: SynthTargets = {}): SynthResult {
  const cdktfOut = targets.cdktfOut ?? 'cdktf.out';
  const manifestsOut = targets.manifestsOut ?? 'manifests';
  const terraform = synthTerraform(model);
  const manifests = withConfigContext(model, () => synthManifests(model));
  const { recovery } = writeOutputTrees(
    [
      { root: cdktfOut, files: terraform, alwaysOwned: isCdktfGenerated },
      { root: manifestsOut, files: manifests },
    ],
    targets,
  );
  return {
    terraformFiles: [...terraform.keys()].map((f) => `${cdktfOut}/${f}`),
    manifestFiles: [...manifests.keys()].map((f) => `${manifestsOut}/${f}`),
    recovery,
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
