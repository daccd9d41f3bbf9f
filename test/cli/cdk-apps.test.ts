import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../lib/model';
import { OWNERSHIP_RECORD, readTree } from '../../lib/synth/outputs';
import { synthAll } from '../../lib/synth/synth';

/**
 * `npx cdktf synth` runs infra/main.ts with CDKTF_OUTDIR; `npx cdk8s synth` runs
 * infra/k8s.ts with CDK8S_OUTDIR. Both apps must write exactly what `npm run synth` writes.
 */
test('the cdktf and cdk8s apps write the same files as the CLI synth', () => {
  const config = resolve('infra/egress.yaml');
  const viaCli = mkdtempSync(join(tmpdir(), 'le-cli-'));
  const viaApps = mkdtempSync(join(tmpdir(), 'le-apps-'));
  const cwd = process.cwd();
  const env = { ...process.env };
  try {
    synthAll(loadConfig(config), { cdktfOut: join(viaCli, 'cdktf.out'), manifestsOut: join(viaCli, 'manifests') });

    process.chdir(viaApps);
    process.env.EGRESS_CONFIG = config;
    process.env.CDKTF_OUTDIR = join(viaApps, 'cdktf.out');
    process.env.CDK8S_OUTDIR = join(viaApps, '.cdk8s.out');
    jest.isolateModules(() => {
      require('../../infra/main');
      require('../../infra/k8s');
    });
    process.chdir(cwd);

    const cli = { cdktf: readTree(join(viaCli, 'cdktf.out')), manifests: readTree(join(viaCli, 'manifests')) };
    const apps = { cdktf: readTree(join(viaApps, 'cdktf.out')), manifests: readTree(join(viaApps, 'manifests')) };
    cli.cdktf.delete(OWNERSHIP_RECORD);
    expect(apps).toEqual(cli);
    expect(readTree(join(viaApps, '.cdk8s.out'))).toEqual(cli.manifests);
  } finally {
    process.chdir(cwd);
    process.env = env;
    rmSync(viaCli, { recursive: true, force: true });
    rmSync(viaApps, { recursive: true, force: true });
  }
});
