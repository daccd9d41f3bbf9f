import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { CorednsChart } from './coredns-chart';
import { DnsmasqChart } from './dnsmasq-chart';
import { EnvoyChart } from './envoy-chart';
import { NamespaceChart } from './namespace-chart';
import { NetworkPolicyChart } from './network-policy-chart';

/**
 * The charts of one level. Each chart becomes one file `manifests/<level>/<chart id>.yaml`,
 * so chart ids are file names and must stay stable.
 */
export class LevelWorkloads extends Construct {
  constructor(scope: Construct, readonly model: EgressModel, readonly level: LevelModel) {
    super(scope, level.name);
    new NamespaceChart(this, 'namespace', { model, level });
    new EnvoyChart(this, 'envoy', { model, level });
    new CorednsChart(this, 'coredns', { model, level });
    // dnsmasq is the VNET DNS of the level below: only levels that have one carry it.
    if (level.child !== undefined) new DnsmasqChart(this, 'dnsmasq', { model, level });
    new NetworkPolicyChart(this, 'network-policies', { model, level });
  }

  /** This level's charts, sorted by id (the file order in kustomization.yaml). */
  public get charts(): Chart[] {
    return this.node.children.filter((c): c is Chart => Chart.isChart(c)).sort((a, b) => (a.node.id < b.node.id ? -1 : 1));
  }
}

/**
 * Populates a cdk8s app from the model: the one AllowList, then the charts of every
 * level, top first. Used by `infra/k8s.ts` (`npx cdk8s synth`) and by the CLI.
 */
export function buildKubernetesApp(app: App, model: EgressModel): LevelWorkloads[] {
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  return model.levels.map((level) => new LevelWorkloads(app, model, level));
}
