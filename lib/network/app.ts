import { App } from 'cdktf';
import { AllowList, EgressModel } from '../model';
import { LevelStack } from './level-stack';

/**
 * Populates a cdktf app from the model: the one AllowList, then one stack per level,
 * top first. Used by `infra/main.ts` (`npx cdktf synth`) and by the CLI.
 */
export function buildTerraformApp(app: App, model: EgressModel): LevelStack[] {
  new AllowList(app, 'AllowList', { entries: model.allowEntries });
  return model.levels.map((level) => new LevelStack(app, { model, level }));
}
