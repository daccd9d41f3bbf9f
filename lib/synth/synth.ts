import { ConfigError, EgressModel } from '../model';
import { ManifestSizeError } from '../workloads/common';
import { manifestLevelOf, removedLevelWarnings, RemovedLevelWarning, summarizeChanges, SynthChanges, terraformLevelOf } from './changes';
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
  /** Levels and files added, changed and removed, against the outputs' committed state before this run. */
  readonly changes: SynthChanges;
  /** One per removed level: its Terraform state and Azure resources remain, and how to delete them. */
  readonly removedLevels: readonly RemovedLevelWarning[];
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
  const {
    recovery,
    changes: [terraformChanges, manifestChanges],
  } = writeOutputTrees(
    [
      { root: cdktfOut, files: terraform, alwaysOwned: isCdktfGenerated },
      { root: manifestsOut, files: manifests },
    ],
    targets,
  );
  const changes = summarizeChanges([
    { folder: cdktfOut, changes: terraformChanges, levelOf: terraformLevelOf },
    { folder: manifestsOut, changes: manifestChanges, levelOf: manifestLevelOf },
  ]);
  return {
    changes,
    removedLevels: removedLevelWarnings(changes, { cdktfOut, configName: model.name, backend: model.terraform.backend }),
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
