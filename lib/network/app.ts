import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { HubStack } from './hub-stack';
import { LevelStack } from './level-stack';

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
    });
    const parent = level.parent !== undefined ? stacks.get(level.parent) : undefined;
    if (parent) stack.addDependency(parent);
    if (hub) stack.addDependency(hub);
    stacks.set(level.name, stack);
  }
  return { levels: [...stacks.values()], hub };
}
