import { ConfigError, formatIssue } from '../../lib';
import { parseConfig } from '../../lib/model';

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

/** Every problem `parseConfig` finds in `text` (read as egress.yaml), formatted as the CLI prints them; empty when the config is valid. */
export function configIssues(text: string): string[] {
  try {
    parseConfig(text, 'egress.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}
