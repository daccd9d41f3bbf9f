import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { LevelStack } from './level-stack';

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
    });
    const parent = level.parent !== undefined ? stacks.get(level.parent) : undefined;
    if (parent) stack.addDependency(parent);
    stacks.set(level.name, stack);
  }
  return [...stacks.values()];
}
