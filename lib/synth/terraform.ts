import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { EgressModel } from '../model';
import { buildTerraformApp } from '../network/app';
import { readTree } from './outputs';

/** Prefix of the scratch folders cdktf synthesizes into; the pid after it tells whose it is. */
export const SCRATCH_PREFIX = 'layered-egress-cdktf-';

/**
 * Synthesizes the Terraform JSON of every level in a scratch folder and returns the
 * files (`manifest.json`, `stacks/<level>/cdk.tf.json`) relative to `cdktf.out`. The
 * scratch folder is removed afterwards, and so are those of earlier runs that were killed
 * (their pid is gone), so none are left behind in the temp folder.
 */
export function synthTerraform(model: EgressModel, scratchParent: string = tmpdir()): Map<string, string> {
  removeDeadScratchFolders(scratchParent);
  const scratch = mkdtempSync(join(scratchParent, `${SCRATCH_PREFIX}${process.pid}-`));
  try {
    const app = new App({ outdir: scratch, skipBackendValidation: true });
    buildTerraformApp(app, model);
    app.synth();
    return readTree(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Removes scratch folders of processes that no longer run (a synth killed with SIGKILL cannot clean up after itself). */
export function removeDeadScratchFolders(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid || isRunning(Number(m[1]))) continue;
    const path = join(parent, name);
    try {
      const stats = lstatSync(path);
      // Only real folders, and only our own user's: a shared temp folder holds other people's files.
      if (stats.isDirectory() && (uid === undefined || stats.uid === uid)) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Files `npx cdktf synth` also writes: ours whoever wrote them last. */
export function isCdktfGenerated(relativePath: string): boolean {
  return relativePath === 'manifest.json' || /^stacks\/[^/]+\/cdk\.tf\.json$/.test(relativePath);
}
