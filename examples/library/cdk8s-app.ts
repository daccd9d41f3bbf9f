/**
 * A platform team's cdk8s app: a chart of its own, plus every egress level's charts from
 * layered-egress. `node build/cdk8s-app.js` writes one YAML file per chart to cdk8s.out/.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ConfigError, EgressWorkloads, loadConfig } from 'layered-egress';

const CONFIG = process.env.EGRESS_CONFIG ?? 'egress.yaml';

try {
  const app = new App({ outdir: 'cdk8s.out' });

  // Something of our own, next to the egress charts.
  const platform = new Chart(app, 'platform');
  new ApiObject(platform, 'info', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'platform-info', namespace: 'default' },
    data: { owner: 'platform-team' },
  });

  // Per level: namespace, Envoy, CoreDNS rewrites, dnsmasq (levels with a level below), NetworkPolicies.
  const egress = new EgressWorkloads(app, 'egress', { config: loadConfig(CONFIG) });
  console.log(`egress levels: ${egress.levels.map((l) => l.level.name).join(', ')}`);

  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exitCode = 2;
}
