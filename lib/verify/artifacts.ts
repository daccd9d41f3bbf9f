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

/**
 * Builds the artifacts from file contents already in memory (paths relative to each
 * folder, `/`-separated: `stacks/l3/cdk.tf.json`, `l3/envoy.yaml`), exactly as
 * `loadArtifacts` reads them from disk. Pure.
 */
export function artifactsFromFiles(
  cdktfOut: string,
  manifestsOut: string,
  terraform: ReadonlyMap<string, string>,
  manifests: ReadonlyMap<string, string>,
  /** Parsed files by path and text, reused across calls (parsed objects are never mutated). @default none */
  cache?: Map<string, unknown>,
): Artifacts {
  const cached = <T>(file: string, text: string, parse: () => T): T => {
    if (!cache) return parse();
    const key = `${file}\n${text}`;
    if (!cache.has(key)) cache.set(key, parse());
    return cache.get(key) as T;
  };
  const errors: Array<{ file: string; message: string }> = [];
  const stacks: TfStack[] = [];
  for (const rel of [...terraform.keys()].sort()) {
    const m = /^stacks\/([^/]+)\/cdk\.tf\.json$/.exec(rel);
    if (!m) continue;
    const file = join(cdktfOut, rel);
    try {
      stacks.push(cached(file, terraform.get(rel)!, () => parseTfStack(m[1], file, terraform.get(rel)!)));
    } catch (e) {
      errors.push({ file, message: `not valid Terraform JSON: ${(e as Error).message}` });
    }
  }
  const byLevel = new Map<string, Map<string, string>>();
  for (const [rel, text] of manifests) {
    const m = /^([^/]+)\/([^/]+)$/.exec(rel);
    if (!m) continue;
    byLevel.set(m[1], (byLevel.get(m[1]) ?? new Map()).set(m[2], text));
  }
  const levels = new Map<string, LevelManifests>();
  for (const level of [...byLevel.keys()].sort()) levels.set(level, levelFromFiles(level, join(manifestsOut, level), byLevel.get(level)!, cached));
  return { cdktfOut, manifestsOut, stacks, errors, manifests: levels };
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
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  return levelFromFiles(level, dir, new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')])));
}

type Cached = <T>(file: string, text: string, parse: () => T) => T;

function levelFromFiles(level: string, dir: string, contents: ReadonlyMap<string, string>, cached: Cached = (_f, _t, parse) => parse()): LevelManifests {
  const files = [...contents.keys()].filter((f) => /\.ya?ml$/.test(f)).sort();
  const errors: string[] = [];
  let listed: string[] | undefined;
  const kustomization = files.find((f) => f === 'kustomization.yaml' || f === 'kustomization.yml');
  if (kustomization) {
    try {
      const k = parseYaml(contents.get(kustomization)!) as { resources?: unknown };
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
    const parsed = cached(join(dir, f), contents.get(f)!, () => parseManifestFile(join(dir, f), contents.get(f)!));
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  const missing = (listed ?? []).filter((f) => !files.includes(f)).map((f) => join(dir, f));
  return { level, dir, objects, unlisted, missing, errors };
}
