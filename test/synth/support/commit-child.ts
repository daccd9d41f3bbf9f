/**
 * Child process of the fault-injection tests: commits the trees given as JSON on argv[2]
 * and, when `killAt` is set, SIGKILLs itself just before the killAt-th step of the write
 * sequence (steps are counted across lock, staging, journal, apply and clean-up). With
 * `killAt: 0` it runs to the end and prints the list of steps it went through.
 */
import { writeOutputTrees } from '../../../lib/synth/outputs';

interface Job {
  readonly trees: ReadonlyArray<{ root: string; files: Record<string, string> }>;
  readonly killAt: number;
  readonly lockWaitMs?: number;
}

const job = JSON.parse(process.argv[2]) as Job;
const steps: string[] = [];
try {
  writeOutputTrees(
    job.trees.map((t) => ({ root: t.root, files: new Map(Object.entries(t.files)) })),
    {
      lockWaitMs: job.lockWaitMs ?? 20_000,
      onStep: (what) => {
        steps.push(what);
        if (steps.length === job.killAt) process.kill(process.pid, 'SIGKILL');
      },
    },
  );
  process.stdout.write(JSON.stringify({ ok: true, steps }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message, steps }));
  process.exitCode = 1;
}
