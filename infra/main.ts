/**
 * The cdktf app (`npx cdktf synth`, `npx cdktf deploy <level>`, one level at a time): one stack per level,
 * read from $EGRESS_CONFIG or infra/egress.yaml. Runs as compiled JavaScript.
 */
import { App } from 'cdktf';
import { ConfigError, loadConfig, resolveConfigPath } from '../lib/model';
import { buildTerraformApp } from '../lib/network/app';

try {
  const app = new App();
  buildTerraformApp(app, loadConfig(resolveConfigPath()));
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 2;
}
