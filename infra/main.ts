/**
 * The cdktf app (`npx cdktf synth`, `npx cdktf deploy <level>`, one level at a time): one
 * stack per level, read from $EGRESS_CONFIG or infra/egress.yaml. Runs as compiled
 * JavaScript. It uses the package's public API only, like any cdktf app that imports
 * layered-egress.
 */
import { App } from 'cdktf';
import { ConfigError, EgressNetwork, loadConfig } from '../lib';
import { resolveConfigPath } from '../lib/model';

try {
  const app = new App();
  new EgressNetwork(app, 'EgressNetwork', { config: loadConfig(resolveConfigPath()) });
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 2;
}
