/**
 * One problem found in the config file. Every problem names the file, the path of the
 * offending entry (`allowList[12].domain`), the value and the rule it broke, so a user
 * can fix it without reading our source.
 */
export interface ConfigIssue {
  /** Path of the config file as the user gave it. */
  readonly file: string;
  /** 1-based line in the file, when the YAML parser could locate the value. */
  readonly line?: number;
  /** 1-based column, for problems of the YAML text itself. */
  readonly column?: number;
  /** Path inside the document, for example `allowList[12].domain`; empty for the whole file. */
  readonly path: string;
  /** The offending value, as written in the file. */
  readonly value?: unknown;
  /** The rule that was broken, in words a user acts on. */
  readonly rule: string;
}

/** Renders an issue as one line: `file:line: path: "value": rule` (`file:line:column:` for YAML syntax). */
export function formatIssue(issue: ConfigIssue): string {
  const where =
    issue.line === undefined ? issue.file : issue.column === undefined ? `${issue.file}:${issue.line}` : `${issue.file}:${issue.line}:${issue.column}`;
  const subject = [issue.path, issue.value !== undefined ? quoteValue(issue.value) : ''].filter(Boolean).join(' ');
  return subject ? `${where}: ${subject}: ${issue.rule}` : `${where}: ${issue.rule}`;
}

/**
 * JSON-quotes a value so control characters (a newline in a domain) stay visible; also
 * escapes what JSON leaves raw but terminals and logs treat as a line break or hide
 * (U+0085, U+2028, U+2029, zero-width and bidi marks, the BOM).
 */
export function quoteValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : escapeInvisible(text);
}

const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const escapeInvisible = (text: string) => text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Thrown when a config file breaks one or more rules; carries every problem at once. */
export class ConfigError extends Error {
  constructor(/** Every problem, in file order. */ readonly issues: readonly ConfigIssue[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the configuration:\n` + issues.map((i) => `  - ${formatIssue(i)}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Collects issues while a config is checked, each tagged with the file it came from. */
export class IssueCollector {
  private readonly list: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    private readonly locate: (path: readonly (string | number)[]) => number | undefined = () => undefined,
  ) {}

  add(path: readonly (string | number)[], rule: string, value?: unknown): void {
    this.list.push({ file: this.file, line: this.locate(path), path: formatPath(path), value, rule });
  }

  get issues(): readonly ConfigIssue[] {
    return this.list;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** `['allowList', 12, 'domain']` -> `allowList[12].domain`; a key that is not a plain word is quoted (`["a\\nb"]`). */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : !/^[A-Za-z_$<][\w$<-]*$/.test(p) ? `[${quoteValue(p)}]` : i === 0 ? p : `.${p}`)).join('');
}
