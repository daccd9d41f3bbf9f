import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { AllowList, ConfigError, EgressModel } from '../model';
import { buildKubernetesApp, LevelWorkloads } from './app';
import { ManifestSizeError } from './common';

/** Props of {@link EgressWorkloads}. */
export interface EgressWorkloadsProps {
  /** The validated config, as `loadConfig` or `parseConfig` return it. */
  readonly config: EgressModel;
}

/**
 * Every level's Kubernetes workloads as cdk8s charts, added to a cdk8s `App` that may
 * hold charts of your own: per level a namespace, the Envoy SNI proxy, the CoreDNS
 * rewrites, dnsmasq (levels with a level below) and the NetworkPolicies. Each chart's
 * objects are exactly those `layered-egress synth` writes to `manifests/<level>/<chart>.yaml`.
 *
 * The level constructs ({@link LevelWorkloads}, id = level name, holding the charts) and
 * the app's `AllowList` are created in `scope` (the `App`), next to this construct, not
 * below it: cdk8s derives generated names and `app.synth()` file names from construct
 * paths, so keeping the CLI's paths keeps its output. An app holds one `EgressWorkloads`,
 * and no construct of its own may be named after a level.
 *
 * `app.synth()` writes one file per chart (cdk8s names it after the chart's path, such
 * as `l3-envoy-c8…k8s.yaml`); the CLI groups the same charts into `manifests/<level>/`
 * with a `kustomization.yaml`.
 *
 * @example
 * const app = new App();
 * new EgressWorkloads(app, 'egress', { config: loadConfig('egress.yaml') });
 * app.synth();
 */
export class EgressWorkloads extends Construct {
  /** The charts of each level, top (internet-facing) level first. */
  public readonly levels: readonly LevelWorkloads[];
  /** The allow-list every chart reads. */
  public readonly allowList: AllowList;

  /**
   * @param scope the cdk8s `App` the level charts are added to
   * @param id this construct's id (it appears in no output)
   * @param props the config
   * @throws ConfigError when the allow-list makes a ConfigMap larger than Kubernetes accepts
   *   (the message names the level, the object, its size and the option that helps)
   */
  constructor(scope: App, id: string, props: EgressWorkloadsProps) {
    super(scope, id);
    try {
      this.levels = buildKubernetesApp(scope, props.config);
    } catch (e) {
      // As the CLI reports it: a config problem, not a crash.
      if (e instanceof ManifestSizeError) throw new ConfigError([{ file: props.config.file, path: 'allowList', rule: e.message }]);
      throw e;
    }
    this.allowList = AllowList.of(this);
  }

  /**
   * The charts of one level.
   * @throws when the config has no level of that name
   */
  public level(name: string): LevelWorkloads {
    const found = this.levels.find((l) => l.level.name === name);
    if (!found) throw new Error(`No level '${name}' in this EgressWorkloads (levels: ${this.levels.map((l) => l.level.name).join(', ')})`);
    return found;
  }
}
