import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { LevelStack } from './level-stack';
import { validateNetwork } from './validate';

/**
 * Populates a cdktf app from the model: the one AllowList, the synth-time network checks
 * (throwing `ConfigError` before any stack exists), then one stack per level, top first,
 * each depending on its parent's stack (cdktf deploys them top-down; deploying one
 * level alone needs `--ignore-missing-stack-dependencies`).
 * Used by `infra/main.ts` (`npx cdktf synth`) and by the CLI.
 */
export function buildTerraformApp(app: App, model: EgressModel): LevelStack[] {
  const allowList = new AllowList(app, 'AllowList', { entries: model.allowEntries });
  validateNetwork(model, allowList.ports);
  const stacks = new Map<string, LevelStack>();
  for (const level of model.levels) {
    const stack = new LevelStack(app, { model, level });
    const parent = level.parent !== undefined ? stacks.get(level.parent) : undefined;
    if (parent) stack.addDependency(parent);
    stacks.set(level.name, stack);
  }
  return [...stacks.values()];
}
