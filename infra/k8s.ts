/**
 * The cdk8s app (`npx cdk8s synth`): writes manifests/<level>/ exactly as
 * `npm run synth` does, read from $EGRESS_CONFIG or infra/egress.yaml. The cdk8s CLI
 * empties its own output folder before running an app, so cdk8s.yaml points it at a
 * scratch folder (.cdk8s.out) that receives a copy; manifests/ is written through the
 * same ownership-aware writer as the CLI, so files the tool did not write survive.
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../lib';
import { resolveConfigPath } from '../lib/model';
import { synthManifests } from '../lib/synth/manifests';
import { OutputError } from '../lib/synth/errors';
import { writeOutputTrees } from '../lib/synth/outputs';

const MANIFESTS = 'manifests';

try {
  const files = synthManifests(loadConfig(resolveConfigPath()));
  const trees = [{ root: MANIFESTS, files }];
  const cliOutdir = process.env.CDK8S_OUTDIR;
  if (cliOutdir && resolve(cliOutdir) !== resolve(MANIFESTS)) trees.push({ root: cliOutdir, files });
  writeOutputTrees(trees);
} catch (e) {
  if (e instanceof OutputError) {
    process.stderr.write(`${e.message}\n${e.written ? '' : 'Nothing was written.\n'}`);
    process.exitCode = 1;
  } else {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  }
}
