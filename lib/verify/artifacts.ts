import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubeObject, parseManifestFile } from './parse/kube';
import { parseTfStack, TfStack } from './parse/terraform';

/**
 * Reads the synthesized artifacts back from disk: every `stacks/<stack>/cdk.tf.json`
 * under the Terraform folder, and every YAML file of each level folder under the
 * manifests folder (only the files `kustomization.yaml` lists, when there is one: that
 * is what GitOps applies).
 */

export interface LevelManifests {
  readonly level: string;
  readonly dir: string;
  readonly objects: readonly KubeObject[];
  /** Files present but not listed in kustomization.yaml (not deployed by GitOps). */
  readonly unlisted: readonly string[];
  /** Files kustomization.yaml lists that do not exist. */
  readonly missing: readonly string[];
  readonly errors: readonly string[];
}

export interface Artifacts {
  readonly cdktfOut: string;
  readonly manifestsOut: string;
  readonly stacks: readonly TfStack[];
  readonly errors: ReadonlyArray<{ readonly file: string; readonly message: string }>;
  readonly manifests: ReadonlyMap<string, LevelManifests>;
}

/** Reads both output folders. Never throws for missing or broken files: they become `errors`. */
export function loadArtifacts(cdktfOut: string, manifestsOut: string): Artifacts {
  const errors: Array<{ file: string; message: string }> = [];
  const stacks: TfStack[] = [];
  const stacksDir = join(cdktfOut, 'stacks');
  if (existsSync(stacksDir)) {
    for (const stack of readdirSync(stacksDir).sort()) {
      const file = join(stacksDir, stack, 'cdk.tf.json');
      if (!existsSync(file)) continue;
      try {
        stacks.push(parseTfStack(stack, file, readFileSync(file, 'utf8')));
      } catch (e) {
        errors.push({ file, message: `not valid Terraform JSON: ${(e as Error).message}` });
      }
    }
  } else errors.push({ file: stacksDir, message: 'folder not found: synthesize first (npm run synth)' });

  const manifests = new Map<string, LevelManifests>();
  if (existsSync(manifestsOut)) {
    for (const level of readdirSync(manifestsOut).sort()) {
      const dir = join(manifestsOut, level);
      if (!statSync(dir).isDirectory()) continue;
      manifests.set(level, readLevel(level, dir));
    }
  } else errors.push({ file: manifestsOut, message: 'folder not found: synthesize first (npm run synth)' });
  return { cdktfOut, manifestsOut, stacks, errors, manifests };
}

function readLevel(level: string, dir: string): LevelManifests {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const errors: string[] = [];
  let listed: string[] | undefined;
  const kustomization = files.find((f) => f === 'kustomization.yaml' || f === 'kustomization.yml');
  if (kustomization) {
    try {
      const k = parseYaml(readFileSync(join(dir, kustomization), 'utf8')) as { resources?: unknown };
      listed = Array.isArray(k?.resources) ? k.resources.map(String) : [];
    } catch (e) {
      errors.push(`${join(dir, kustomization)}: ${(e as Error).message}`);
    }
  }
  const objects: KubeObject[] = [];
  const unlisted: string[] = [];
  for (const f of files) {
    if (f === kustomization) continue;
    if (listed && !listed.includes(f)) {
      unlisted.push(join(dir, f));
      continue;
    }
    const parsed = parseManifestFile(join(dir, f), readFileSync(join(dir, f), 'utf8'));
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  const missing = (listed ?? []).filter((f) => !files.includes(f)).map((f) => join(dir, f));
  return { level, dir, objects, unlisted, missing, errors };
}
