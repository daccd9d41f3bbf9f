/** Synthesized output held in memory, checked without touching the disk. */
import { EgressModel } from '../../../lib/model';
import { synthManifests } from '../../../lib/synth/manifests';
import { synthTerraform } from '../../../lib/synth/terraform';
import { artifactsFromFiles, Artifacts, Intent, intentFromModel, Report, runCheck } from '../../../lib/verify';

/** Both output folders: relative path -> text. */
export interface Tree {
  readonly terraform: ReadonlyMap<string, string>;
  readonly manifests: ReadonlyMap<string, string>;
}

export function synthTree(model: EgressModel): Tree {
  return { terraform: synthTerraform(model), manifests: synthManifests(model) };
}

export function artifactsOfTree(tree: Tree, cache?: Map<string, unknown>): Artifacts {
  return artifactsFromFiles('cdktf.out', 'manifests', tree.terraform, tree.manifests, cache);
}

export function checkTree(intent: Intent, tree: Tree, cache?: Map<string, unknown>): Report {
  return runCheck(intent, artifactsOfTree(tree, cache));
}

export { intentFromModel };
