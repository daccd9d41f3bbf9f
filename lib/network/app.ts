import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { HubStack } from './hub-stack';
import { LevelStack, PrivateClusterDnsSource } from './level-stack';
import { hubNames, levelNames } from '../model/azure-names';

/**
 * Populates a cdktf app from the model (whose network rules `parseConfig` has already
 * checked): the one AllowList, with `firewall.placement: hub` the hub stack (every level
 * depends on it), then one stack per level, top first, each depending on its parent's stack (cdktf deploys them top-down; deploying one level alone needs
 * `--ignore-missing-stack-dependencies`).
 * Used by `infra/main.ts` (`npx cdktf synth`) and by the CLI.
 */
export function buildTerraformApp(app: App, model: EgressModel): { levels: LevelStack[]; hub?: HubStack } {
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  const hub =
    model.firewall?.placement === 'hub'
      ? new HubStack(app, {
          deployment: model.name,
          location: model.location,
          firewall: model.firewall,
          levels: model.levels.map((l) => ({ name: l.name, addresses: l.addresses, parent: l.parent })),
          backend: model.terraform.backend,
          privateClusters: model.cluster.privateCluster,
        })
      : undefined;
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
      firewall: model.firewall,
      privateClusterDns: privateClusterDnsOf(model, level),
    });
    const parent = level.parent !== undefined ? stacks.get(level.parent) : undefined;
    if (parent) stack.addDependency(parent);
    if (hub) stack.addDependency(hub);
    stacks.set(level.name, stack);
  }
  return { levels: [...stacks.values()], hub };
}

/**
 * Where a private cluster's DNS zone lives: in the stack that holds the firewall. With
 * placement `top` the top level's stack creates it and the levels below find it in the
 * top level's resource group; with placement `hub` every level finds it in the hub's.
 * Undefined without a private cluster or a firewall.
 */
function privateClusterDnsOf(model: EgressModel, level: EgressModel['levels'][number]): PrivateClusterDnsSource | undefined {
  if (!model.cluster.privateCluster || !model.firewall) return undefined;
  if (model.firewall.placement === 'hub') return { resourceGroupName: hubNames(model).resourceGroup };
  return level.parent === undefined ? 'here' : { resourceGroupName: levelNames(model, model.levels[0]).resourceGroup };
}
