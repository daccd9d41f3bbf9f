import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { byText } from '../model/compare';
import { CorednsChart } from './coredns-chart';
import { DnsmasqChart } from './dnsmasq-chart';
import { EnvoyChart } from './envoy-chart';
import { NamespaceChart } from './namespace-chart';
import { NetworkPolicyChart } from './network-policy-chart';

/**
 * The charts of one level, mapped from the config model onto each chart's narrow props.
 * Each chart becomes one file `manifests/<level>/<chart id>.yaml`, so chart ids are file
 * names and must stay stable.
 */
export class LevelWorkloads extends Construct {
  /**
   * @param scope the cdk8s `App` (the level's construct id is its name)
   * @param model the validated config
   * @param level the level of `model` whose charts this adds
   */
  constructor(
    scope: Construct,
    /** The validated config the charts were built from. */ readonly model: EgressModel,
    /** The level these charts belong to. */ readonly level: LevelModel,
  ) {
    super(scope, level.name);
    const options = model.workloads;
    const parent = model.levels.find((l) => l.name === level.parent)?.addresses;
    const child = model.levels.find((l) => l.name === level.child)?.addresses;
    if (level.parent !== undefined && parent === undefined) throw new Error(`level '${level.name}': parent level '${level.parent}' is not in the model`);
    const common = { level: level.name, options };
    new NamespaceChart(this, 'namespace', { ...common, privileged: parent === undefined && options.envoy.hostNetwork });
    new EnvoyChart(this, 'envoy', { ...common, addresses: level.addresses, parent });
    new CorednsChart(this, 'coredns', common);
    // dnsmasq is the VNET DNS of the level below: only levels that have one carry it.
    if (child !== undefined) {
      new DnsmasqChart(this, 'dnsmasq', {
        ...common,
        addresses: level.addresses,
        parent,
        levelAddressSpaces: model.levels.map((l) => l.addresses.addressSpace),
        privateClusterLocation: model.cluster.privateCluster ? model.location : undefined,
      });
    }
    new NetworkPolicyChart(this, 'network-policies', {
      ...common,
      parent,
      child,
      excludedRanges: parent === undefined ? clusterAndLevelRanges(model) : undefined,
    });
  }

  /** This level's charts, sorted by id (the file order in kustomization.yaml). */
  public get charts(): Chart[] {
    return this.node.children.filter((c): c is Chart => Chart.isChart(c)).sort((a, b) => byText(a.node.id, b.node.id));
  }
}

/** The cluster's pod and service ranges and every level's address space: never a destination of the top proxy. */
export function clusterAndLevelRanges(model: EgressModel): string[] {
  const c = model.cluster;
  return [c.serviceCidr, ...(c.networkPlugin === 'azure' ? [] : [c.podCidr]), ...model.levels.map((l) => l.addresses.addressSpace)];
}

/**
 * Populates a cdk8s app from the model: the one AllowList, then the charts of every
 * level, top first. Used by `infra/k8s.ts` (`npx cdk8s synth`) and by the CLI.
 */
export function buildKubernetesApp(app: App, model: EgressModel): LevelWorkloads[] {
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  return model.levels.map((level) => new LevelWorkloads(app, model, level));
}
