/**
 * Child process of the fault-injection tests for the whole synth: loads a config and runs
 * `synthAll` (what `layered-egress synth` runs after parsing its arguments), SIGKILLing
 * itself just before the step whose name starts with argv[5] (never, when it is '').
 */
import { loadConfig } from '../../../lib/model';
import { synthAll } from '../../../lib/synth/synth';

const [config, cdktfOut, manifestsOut, killBefore] = process.argv.slice(2);
synthAll(loadConfig(config), {
  cdktfOut,
  manifestsOut,
  onStep: (what) => {
    if (killBefore && what.startsWith(killBefore)) process.kill(process.pid, 'SIGKILL');
  },
});
