import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { ConfigError, ConfigIssue, IssueCollector } from './issues';
import { EgressModel, parseConfig } from './load';

/** What messages name as the file when `parseConfigObject` is given no source. */
export const DEFAULT_OBJECT_SOURCE = '<config object>';

/**
 * Validates and normalises a config given as a plain object (the shape of
 * `infra/egress.yaml`, as `JSON.parse` or a YAML parser would return it).
 *
 * The object goes through exactly the pass a config file goes through, so the rules,
 * the messages and the "every problem at once" behaviour are the file's; only line
 * numbers are dropped (an object has none). A property whose value is `undefined`
 * counts as absent, as it would in the file.
 *
 * @param config the config, as plain data
 * @param source what messages name as the file
 * @throws ConfigError listing every problem when the config is invalid
 */
export function parseConfigObject(config: unknown, source: string = DEFAULT_OBJECT_SOURCE): EgressModel {
  const problems = new IssueCollector(source);
  const data = plainData(config, [], problems, new Set());
  if (!problems.empty) throw new ConfigError(problems.issues);

  // One validation pass for files and objects: the object is written as YAML and read
  // by the file's parser. Refuse anything YAML would not give back unchanged, so what is
  // validated is exactly what was passed. No block scalars: yaml 2.9 writes ' \n' as a
  // literal block whose only line is blank, which reads back as '\n' (found by the
  // parse-config property test); double-quoted strings with escapes read back exactly.
  const text = stringify(data, { lineWidth: 0, blockQuote: false });
  if (!isDeepStrictEqual(parse(text), data)) {
    throw new ConfigError([
      {
        file: source,
        path: '',
        rule: 'the config object holds a value that cannot be read back unchanged (a lone surrogate or similar): pass plain JSON-compatible data',
      },
    ]);
  }
  let model: EgressModel;
  try {
    model = parseConfig(text, source);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.issues.map(withoutLine));
    throw e;
  }
  return { ...model, warnings: model.warnings.map(withoutLine) };
}

/** Lines of the intermediate YAML mean nothing to the caller. */
function withoutLine(issue: ConfigIssue): ConfigIssue {
  const { line: _line, ...rest } = issue;
  return rest;
}

/**
 * A copy of `value` holding only JSON-compatible data (`undefined` properties dropped);
 * anything else is reported with its path.
 */
function plainData(value: unknown, path: (string | number)[], problems: IssueCollector, ancestors: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.add(path, 'must be a finite number', String(value));
    return value;
  }
  if (typeof value !== 'object') {
    problems.add(path, `must be plain data (JSON-compatible), not a ${typeof value}`);
    return undefined;
  }
  if (ancestors.has(value)) {
    problems.add(path, 'must not refer to itself (a cycle)');
    return undefined;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value) || value[i] === undefined) problems.add([...path, i], 'a list item must not be undefined or missing');
        else items.push(plainData(value[i], [...path, i], problems, ancestors));
      }
      return items;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      problems.add(path, `must be plain data (JSON-compatible), not a ${(value as object).constructor?.name ?? 'class instance'}`);
      return undefined;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      Object.defineProperty(copy, key, { value: plainData(item, [...path, key], problems, ancestors), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}
