import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { LevelStack, PrivateClusterDnsSource } from './level-stack';
import { levelNames } from './names';

/**
 * Populates a cdktf app from the model (whose network rules `parseConfig` has already
 * checked): the one AllowList, then one stack per level, top first, each depending on
 * its parent's stack (cdktf deploys them top-down; deploying one level alone needs
 * `--ignore-missing-stack-dependencies`).
 * Used by `infra/main.ts` (`npx cdktf synth`) and by the CLI.
 */
export function buildTerraformApp(app: App, model: EgressModel): LevelStack[] {
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  const stacks = new Map<string, LevelStack>();
  for (const level of model.levels) {
    const byName = (name: string | undefined) => model.levels.find((l) => l.name === name);
    const stack = new LevelStack(app, {
      deployment: model.name,
      location: model.location,
      level,
      parent: byName(level.parent),
      child: byName(level.child),
      otherAddressSpaces: model.levels.filter((l) => l.name !== level.name).map((l) => l.addresses.addressSpace),
      cluster: model.cluster,
      backend: model.terraform.backend,
      firewall: level.parent === undefined && model.firewall?.placement === 'top' ? model.firewall : undefined,
      privateClusterDns: privateClusterDnsOf(model, level),
    });
    const parent = level.parent !== undefined ? stacks.get(level.parent) : undefined;
    if (parent) stack.addDependency(parent);
    stacks.set(level.name, stack);
  }
  return [...stacks.values()];
}

/**
 * Where a private cluster's DNS zone lives with placement `top`: in the top level's stack,
 * which holds the firewall; the levels below find it in the top level's resource group.
 * Undefined without a private cluster or a firewall at the top.
 */
function privateClusterDnsOf(model: EgressModel, level: EgressModel['levels'][number]): PrivateClusterDnsSource | undefined {
  if (!model.cluster.privateCluster || model.firewall?.placement !== 'top') return undefined;
  return level.parent === undefined ? 'here' : { resourceGroupName: levelNames(model, model.levels[0]).resourceGroup };
}
