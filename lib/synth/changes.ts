import type { BackendConfig } from '../model';
import { stateKey } from '../network/backend';
import type { TreeChanges } from './outputs';

/** Levels and files a synth added, changed and removed, for people and for CI (`synth --json`). */
export interface SynthChanges {
  readonly levels: {
    /** Levels with generated files now and none before. */
    readonly added: readonly string[];
    /** Levels present before and now with at least one file added, changed or removed. */
    readonly changed: readonly string[];
    /** Levels with generated files before and none now (their files were deleted). */
    readonly removed: readonly string[];
    /** Levels whose files are byte for byte as before. */
    readonly unchanged: readonly string[];
  };
  /** Paths as the user named the folders (`cdktf.out/stacks/l3/cdk.tf.json`, `manifests/l3/envoy.yaml`), sorted. */
  readonly files: {
    readonly added: readonly string[];
    readonly changed: readonly string[];
    readonly removed: readonly string[];
  };
}

/** One output folder's changes, with the folder as the user named it and where its level names sit. */
export interface FolderChanges {
  readonly folder: string;
  readonly changes: TreeChanges;
  /** The level a generated path belongs to, or undefined for a file of no level (`manifest.json`). */
  readonly levelOf: (relativePath: string) => string | undefined;
}

/** `stacks/<level>/...` in `cdktf.out/`. */
export const terraformLevelOf = (rel: string): string | undefined => /^stacks\/([^/]+)\//.exec(rel)?.[1];
/** `<level>/...` in `manifests/`. */
export const manifestLevelOf = (rel: string): string | undefined => /^([^/]+)\//.exec(rel)?.[1];

/** Combines the change sets of the output folders into one report. */
export function summarizeChanges(folders: readonly FolderChanges[]): SynthChanges {
  const before = new Set<string>();
  const after = new Set<string>();
  const touched = new Set<string>();
  const files = { added: [] as string[], changed: [] as string[], removed: [] as string[] };
  for (const { folder, changes, levelOf } of folders) {
    const note = (rels: readonly string[], into: Set<string>[], list?: string[]) => {
      for (const rel of rels) {
        const level = levelOf(rel);
        if (level !== undefined) for (const set of into) set.add(level);
        list?.push(`${folder}/${rel}`);
      }
    };
    note(changes.added, [after, touched], files.added);
    note(changes.changed, [before, after, touched], files.changed);
    note(changes.removed, [before, touched], files.removed);
    note(changes.unchanged, [before, after]);
  }
  const sorted = (values: Iterable<string>) => [...values].sort();
  return {
    levels: {
      added: sorted([...after].filter((l) => !before.has(l))),
      changed: sorted([...after].filter((l) => before.has(l) && touched.has(l))),
      removed: sorted([...before].filter((l) => !after.has(l))),
      unchanged: sorted([...after].filter((l) => before.has(l) && !touched.has(l))),
    },
    files: { added: sorted(files.added), changed: sorted(files.changed), removed: sorted(files.removed) },
  };
}

/** A warning about a level whose generated files are gone while its Azure resources are not. */
export interface RemovedLevelWarning {
  readonly level: string;
  /** Where its Terraform state is (a file in the project root or an azurerm blob). */
  readonly state: string;
  /** The message, in full. */
  readonly message: string;
  /** What to run, in order, to delete the level's Azure resources. */
  readonly commands: readonly string[];
}

/**
 * For every removed level: its Terraform state and Azure resources remain, since synth
 * only writes files. Destroying needs the level's Terraform, which this synth has just
 * deleted: the commands bring the config that still has the level back, destroy through
 * cdktf (or Terraform directly), then restore the change.
 * @param configName the config's `name` (the default azurerm key prefix)
 * @param backend the config's `terraform.backend` (the removed level is assumed to have used the same)
 */
export function removedLevelWarnings(changes: SynthChanges, options: { cdktfOut: string; configName: string; backend?: BackendConfig }): RemovedLevelWarning[] {
  return changes.levels.removed.map((level) => {
    const state = options.backend
      ? `the blob ${stateKey(options.backend, options.configName, level)} in container ${options.backend.containerName} of storage account ${options.backend.storageAccountName}`
      : `terraform.${level}.tfstate in the project root`;
    const stackDir = `${options.cdktfOut}/stacks/${level}`;
    const commands = ['git stash', `npx cdktf destroy ${level}`, 'git stash pop', 'layered-egress synth'];
    const renamed =
      changes.levels.added.length > 0
        ? ` If it was renamed (to ${changes.levels.added.map((l) => `'${l}'`).join(' or ')}): Azure names are built from the level name, so the new name is a new set of resources and the old ones are not moved.`
        : '';
    const message =
      `level '${level}' is no longer in the config and synth deleted its generated files, but its Terraform state (${state}) and its Azure resources remain.${renamed} ` +
      `To delete them, destroy the level with the config that still has it: bring that config back (\`git stash\`, or check out its previous version), ` +
      `run \`npx cdktf destroy ${level}\` (or \`layered-egress synth\`, then \`terraform -chdir=${stackDir} init\` and \`terraform -chdir=${stackDir} destroy\`), ` +
      `then restore your change (\`git stash pop\`) and run \`layered-egress synth\` again. Next time, run \`npx cdktf destroy ${level}\` BEFORE removing the level from the config.`;
    return { level, state, message, commands };
  });
}

/** The human summary printed after `Synthesized ...`: one line per kind of change, then the files. */
export function formatChanges(changes: SynthChanges): string {
  const { levels, files } = changes;
  if (files.added.length + files.changed.length + files.removed.length === 0) return 'No changes: the outputs already match the config.\n';
  const kinds = (['added', 'changed', 'removed', 'unchanged'] as const).filter((k) => levels[k].length > 0).map((k) => `${k} ${levels[k].join(', ')}`);
  const lines = [
    ...(kinds.length > 0 ? [`Levels: ${kinds.join('; ')}.`] : []),
    `Files: ${files.added.length} added, ${files.changed.length} changed, ${files.removed.length} removed.`,
    ...files.added.map((f) => `  + ${f}`),
    ...files.changed.map((f) => `  ~ ${f}`),
    ...files.removed.map((f) => `  - ${f}`),
  ];
  return `${lines.join('\n')}\n`;
}
