import { IssueCollector } from './issues';

/**
 * A tiny strict schema language for the config file. Each field checks its value, reports
 * every problem to the collector with the path, and returns the typed value (or
 * `undefined` when invalid). Unknown keys are errors with a "did you mean" hint: a typo
 * such as `allowlist` must never silently drop the list.
 */
export type Path = readonly (string | number)[];
export type Field<T> = (value: unknown, path: Path, issues: IssueCollector) => T | undefined;

/** A key of an object schema; `optional` keys may be absent (then `undefined`). */
interface KeySpec<T> {
  readonly field: Field<T>;
  readonly optional: boolean;
  /** Text for the error when a required key is missing. */
  readonly hint?: string;
}

export function required<T>(field: Field<T>, hint?: string): KeySpec<T> {
  return { field, optional: false, hint };
}

export function optional<T>(field: Field<T>): KeySpec<T | undefined> {
  return { field: field as Field<T | undefined>, optional: true };
}

type Shape = Record<string, KeySpec<unknown>>;
type FromShape<S extends Shape> = { -readonly [K in keyof S]: S[K] extends KeySpec<infer T> ? T : never };

/** An object with exactly the keys of `shape`. */
export function object<S extends Shape>(shape: S): Field<FromShape<S>> {
  return describedAs<Field<FromShape<S>>>(
    (value, path, issues) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        issues.add(path, 'must be a mapping (key: value)', value);
        return undefined;
      }
      const input = value as Record<string, unknown>;
      const known = Object.keys(shape);
      // Own properties only: 'constructor', 'toString' or '__proto__' are unknown keys like any other.
      const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
      let ok = true;
      for (const key of Object.keys(input)) {
        if (!has(shape, key)) {
          const guess = closest(key, known);
          issues.add([...path, key], `unknown key${guess ? `: did you mean '${guess}'?` : ''} (allowed: ${known.join(', ')})`);
          ok = false;
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of known) {
        const spec = shape[key];
        const given = has(input, key) ? input[key] : undefined;
        if (given === undefined || given === null) {
          if (!spec.optional) {
            issues.add([...path, key], `is required${spec.hint ? `: ${spec.hint}` : ''}`);
            ok = false;
          }
          continue;
        }
        const parsed = spec.field(given, [...path, key], issues);
        if (parsed === undefined) ok = false;
        else out[key] = parsed;
      }
      return ok ? (out as FromShape<S>) : undefined;
    },
    () => ({
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([key, spec]) => [key, jsonSchemaOf(spec.field)])),
      required: Object.entries(shape)
        .filter(([, spec]) => !spec.optional)
        .map(([key]) => key),
      additionalProperties: false,
    }),
  );
}

/** A list of `minItems` to `maxItems` items. */
export function list<T>(item: Field<T>, minItems = 0, whatFor = 'entry', maxItems = Number.MAX_SAFE_INTEGER, whyMax = ''): Field<T[]> {
  return describedAs<Field<T[]>>(
    (value, path, issues) => {
      if (!Array.isArray(value)) {
        issues.add(path, 'must be a list', value);
        return undefined;
      }
      if (value.length < minItems) {
        issues.add(path, `must have at least ${minItems} ${minItems === 1 ? whatFor : plural(whatFor)}`);
        return undefined;
      }
      if (value.length > maxItems) {
        issues.add(path, `has ${value.length} ${plural(whatFor)}; at most ${maxItems} are accepted${whyMax ? `: ${whyMax}` : ''}`);
        return undefined;
      }
      const out: T[] = [];
      let ok = true;
      value.forEach((v, i) => {
        const parsed = item(v, [...path, i], issues);
        if (parsed === undefined) ok = false;
        else out.push(parsed);
      });
      return ok ? out : undefined;
    },
    () => ({
      type: 'array',
      items: jsonSchemaOf(item as Field<unknown>),
      ...(minItems > 0 ? { minItems } : {}),
      ...(maxItems < Number.MAX_SAFE_INTEGER ? { maxItems } : {}),
    }),
  );
}

const plural = (word: string) => (word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`);

/** A string, optionally matching `pattern` (with `rule` as the message when it does not). */
export function string(pattern?: RegExp, rule?: string): Field<string> {
  return describedAs<Field<string>>(
    (value, path, issues) => {
      if (typeof value !== 'string') {
        issues.add(path, 'must be a string', value);
        return undefined;
      }
      if (pattern && !pattern.test(value)) {
        issues.add(path, rule ?? `must match ${pattern}`, value);
        return undefined;
      }
      return value;
    },
    () => ({ type: 'string', ...(pattern ? { pattern: pattern.source } : {}) }),
  );
}

/** A whole number in `[min, max]`. */
export function integer(min: number, max: number, rule?: string): Field<number> {
  return describedAs<Field<number>>(
    (value, path, issues) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        issues.add(path, rule ?? `must be a whole number from ${min} to ${max}`, value);
        return undefined;
      }
      return value;
    },
    () => ({ type: 'integer', minimum: min, maximum: max }),
  );
}

export function boolean(): Field<boolean> {
  return describedAs<Field<boolean>>(
    (value, path, issues) => {
      if (typeof value !== 'boolean') {
        issues.add(path, 'must be true or false', value);
        return undefined;
      }
      return value;
    },
    () => ({ type: 'boolean' }),
  );
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(choices: readonly T[]): Field<T> {
  return describedAs<Field<T>>(
    (value, path, issues) => {
      if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
        issues.add(path, `must be one of: ${choices.join(', ')}`, value);
        return undefined;
      }
      return value as T;
    },
    () => ({ type: 'string', enum: [...choices] }),
  );
}

/** Runs a further check on a parsed value; `check` returns a rule when the value is wrong. */
export function refine<T>(field: Field<T>, check: (value: T) => string | undefined): Field<T> {
  return describedAs<Field<T>>(
    (value, path, issues) => {
      const parsed = field(value, path, issues);
      if (parsed === undefined) return undefined;
      const rule = check(parsed);
      if (rule) {
        issues.add(path, rule, value);
        return undefined;
      }
      return parsed;
    },
    () => jsonSchemaOf(field as Field<unknown>),
  );
}

/** The known key nearest to a typo (case-insensitive, edit distance at most 3). */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * JSON Schema (draft-07) of a field, for editors: the same keys, types, patterns, ranges
 * and choices the parser enforces. Checks written as `refine` (CIDR arithmetic, image
 * pinning) stay in the parser; the schema shows the type they refine.
 */
export type JsonSchemaNode = Record<string, unknown>;

const jsonSchemas = new WeakMap<Field<unknown>, () => JsonSchemaNode>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a field of any value type (Field is invariant in its parameter)
function describedAs<F extends Field<any>>(field: F, schema: () => JsonSchemaNode): F {
  jsonSchemas.set(field as Field<unknown>, schema);
  return field;
}

/** The JSON Schema of a field built with this module. @throws for a hand-written field */
export function jsonSchemaOf(field: Field<unknown>): JsonSchemaNode {
  const schema = jsonSchemas.get(field);
  if (!schema) throw new Error('field was not built with lib/model/schema.ts combinators: no JSON Schema');
  return schema();
}
