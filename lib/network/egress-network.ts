import { App } from 'cdktf';
import { Construct } from 'constructs';
import { AllowList, EgressModel } from '../model';
import { buildTerraformApp } from './app';
import { HubStack } from './hub-stack';
import { LevelStack } from './level-stack';

/** Props of {@link EgressNetwork}. */
export interface EgressNetworkProps {
  /** The validated config, as `loadConfig` or `parseConfig` return it. */
  readonly config: EgressModel;
}

/**
 * Every network level of the config as Terraform: one {@link LevelStack} per level, named
 * after the level (with `firewall.placement: hub`, first a {@link HubStack} named `hub`), added to a cdktf `App` that may hold stacks of your own. Each stack
 * depends on its parent's, so `cdktf deploy` orders them top-down. The network checks
 * that need the whole plan run first and throw a `ConfigError` before any stack exists.
 *
 * The stacks and the app's `AllowList` are created in `scope` (the `App`), next to this
 * construct, not below it: cdktf writes a stack's construct path into `manifest.json` and
 * into every resource's metadata, so only direct children of the `App` synthesize exactly
 * what `layered-egress synth` writes. This construct is the handle to them.
 *
 * Stack names are the level names: an app holds one `EgressNetwork`, and no stack of its
 * own may be named after a level.
 *
 * @example
 * const app = new App();
 * new EgressNetwork(app, 'egress', { config: loadConfig('egress.yaml') });
 * app.synth();
 */
export class EgressNetwork extends Construct {
  /** One stack per level, top (internet-facing) level first. */
  public readonly stacks: readonly LevelStack[];
  /** With `firewall.placement: hub`: the hub stack (named `hub`), which every level's stack depends on. @default undefined */
  public readonly hub?: HubStack;
  /** The allow-list every level reads. */
  public readonly allowList: AllowList;

  /**
   * @param scope the cdktf `App` the level stacks are added to
   * @param id this construct's id (it appears in no output)
   * @param props the config
   * @throws ConfigError when the config's network plan cannot be built on Azure
   */
  constructor(scope: App, id: string, props: EgressNetworkProps) {
    super(scope, id);
    const built = buildTerraformApp(scope, props.config);
    this.stacks = built.levels;
    this.hub = built.hub;
    this.allowList = AllowList.of(this);
  }

  /**
   * The stack of one level.
   * @throws when the config has no level of that name
   */
  public stack(level: string): LevelStack {
    const found = this.stacks.find((s) => s.node.id === level);
    if (!found) throw new Error(`No level '${level}' in this EgressNetwork (levels: ${this.stacks.map((s) => s.node.id).join(', ')})`);
    return found;
  }
}
