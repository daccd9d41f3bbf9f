/**
 * A platform team's cdktf app: its own landing-zone stack, plus one stack per egress level
 * from layered-egress. `npx cdktf synth` (or `node build/cdktf-app.js`) writes cdktf.out/.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { App, TerraformStack } from 'cdktf';
import { ConfigError, EgressNetwork, loadConfig } from 'layered-egress';

const CONFIG = process.env.EGRESS_CONFIG ?? 'egress.yaml';

try {
  const app = new App();

  // Something of our own, next to the egress levels.
  const landingZone = new TerraformStack(app, 'landing-zone');
  new AzurermProvider(landingZone, 'azurerm', { features: [{}] });
  new ResourceGroup(landingZone, 'shared', { name: 'rg-platform-shared', location: 'westeurope' });

  // One stack per level (named after the level), each depending on its parent's.
  const egress = new EgressNetwork(app, 'egress', { config: loadConfig(CONFIG) });
  console.log(`egress levels: ${egress.stacks.map((s) => s.node.id).join(', ')}`);

  app.synth();
} catch (e) {
  // Every problem of the config at once, each with file, line, entry and rule.
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
