import { ConfigError } from '../../lib';

/** The problem lines of the ConfigError `run` throws (one per problem, after the headline); fails when it throws nothing or something else. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n').slice(1);
    throw e;
  }
  throw new Error('expected a ConfigError');
}
