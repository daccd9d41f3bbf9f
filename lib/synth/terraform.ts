import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { EgressModel } from '../model';
import { buildTerraformApp } from '../network/app';
import { readTree } from './outputs';

/**
 * Synthesizes the Terraform JSON of every level in a scratch folder and returns the
 * files (`manifest.json`, `stacks/<level>/cdk.tf.json`) relative to `cdktf.out`.
 */
export function synthTerraform(model: EgressModel): Map<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'layered-egress-cdktf-'));
  try {
    const app = new App({ outdir: scratch, skipBackendValidation: true });
    buildTerraformApp(app, model);
    app.synth();
    return readTree(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Files `npx cdktf synth` also writes: ours whoever wrote them last. */
export function isCdktfGenerated(relativePath: string): boolean {
  return relativePath === 'manifest.json' || /^stacks\/[^/]+\/cdk\.tf\.json$/.test(relativePath);
}
