import { Document, isAlias, isMap, isNode, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { ConfigError, ConfigIssue } from './issues';

/**
 * The config file's YAML, read closed: one document, the core schema's types only, plain
 * string keys, bounded size and depth. Everything else is refused with its line and
 * column rather than interpreted, so what the schema checks is exactly what is written.
 */

/** Largest config file accepted, in bytes (the largest useful allow-list is far smaller: see docs). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of mappings and lists accepted; the real config nests 4 deep. */
export const MAX_NESTING = 32;
/** Most alias expansions (`*name`) accepted in one file: a bound against "billion laughs" documents. */
export const MAX_ALIASES = 100;

/** The tags of YAML 1.2's core schema; any other tag (`!include`, `!!binary`, `!!set`) is refused. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

const ALIAS_HINT = ' (a value starting with \'*\' must be quoted: "*.b.com")';

/** Text quoted from the file stays on one line of the report. */
const oneLine = (text: string) => text.replace(/[\r\n\u0085\u2028\u2029]/g, ' ');

/** The key written at `start` (the parser's position covers only its first character). */
function keyAt(text: string, start: number, end: number): string {
  const m = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:#\n]*?)\s*:/.exec(text.slice(start, start + 1024));
  return (m ? m[1].replace(/^(["'])(.*)\1$/, '$2') : text.slice(start, end)).trim();
}

/** The parsed document: plain data (objects without a prototype) and a way to find the line of a path. */
export interface YamlSource {
  readonly data: unknown;
  /** 1-based line of the key or item at `path`; a missing key points at its parent. */
  readonly locate: (path: readonly (string | number)[]) => number | undefined;
}

/**
 * Parses config text.
 * @throws ConfigError with every YAML problem, each with its line and column
 */
export function readYaml(text: string, file: string): YamlSource {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError([{ file, path: '', rule: `the config file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB: refused unread` }]);
  }
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true, lineCounter, prettyErrors: false, schema: 'core', merge: false }) as Document.Parsed[];
  } catch (e) {
    throw new ConfigError([{ file, path: '', rule: `not valid YAML: ${(e as Error).message}` }]);
  }
  if (!Array.isArray(docs) || docs.length === 0 || docs[0].contents === null) {
    throw new ConfigError([{ file, path: '', rule: 'the config file is empty: it must be one YAML mapping (name, location, levels, allowList)' }]);
  }
  const issues: ConfigIssue[] = [];
  for (const extra of docs.slice(1)) {
    issues.push({
      file,
      ...at(extra.range[0]),
      path: '',
      rule: "a config file holds exactly one YAML document: remove the '---' and everything after it, or merge the documents",
    });
  }
  const doc = docs[0];
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const [start, end] = problem.pos;
    let rule = problem.message.split('\n')[0];
    if (problem.code === 'DUPLICATE_KEY')
      rule = `duplicate key '${keyAt(text, start, end)}': each key may appear once in a mapping (the later one would silently win)`;
    else if (problem.code === 'TAG_RESOLVE_FAILED') rule = `${rule}: YAML tags are not supported in the config (nothing is included or converted)`;
    else if (problem.code === 'TAB_AS_INDENT') rule = `${rule}: indent with spaces`;
    else if (/alias/i.test(rule)) rule += ALIAS_HINT;
    issues.push({ file, ...at(start), path: '', rule: `not valid YAML: ${oneLine(rule)}` });
  }
  // One problem per line: the parser's later errors on a line are consequences of its first.
  const firstPerLine = issues.filter((issue, i) => issue.line === undefined || issues.findIndex((o) => o.line === issue.line) === i);
  if (issues.length > 0) throw new ConfigError(firstPerLine.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));

  let aliases = 0;
  const toData = (node: unknown, depth: number): unknown => {
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) fail(node, `more than ${MAX_ALIASES} aliases: refused (they could expand without bound)`);
      const target = node.resolve(doc);
      if (target === undefined) fail(node, `the alias *${node.source} refers to no anchor${ALIAS_HINT}`);
      return toData(target, depth);
    }
    if (!isNode(node)) return node ?? null;
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) fail(node, `the YAML tag ${node.tag} is not supported: write the plain value`);
    if (isScalar(node)) return node.value;
    if (depth >= MAX_NESTING) fail(node, `nested more than ${MAX_NESTING} levels deep`);
    if (isSeq(node)) return node.items.map((item) => toData(item, depth + 1));
    if (isMap(node)) {
      // No prototype: a key such as '__proto__' or 'constructor' is an ordinary own key, checked like any other.
      const out = Object.create(null) as Record<string, unknown>;
      for (const pair of node.items) {
        const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        if (!isScalar(key) || (key.value !== null && typeof key.value === 'object'))
          fail(isNode(pair.key) ? pair.key : node, 'a key must be a plain word, not a list or a mapping');
        const name = String((key as { value: unknown }).value);
        if (Object.hasOwn(out, name)) fail(key as Node, `duplicate key '${name}': each key may appear once in a mapping (the later one would silently win)`);
        out[name] = toData(pair.value, depth + 1);
      }
      return out;
    }
    return fail(node, 'unsupported YAML node');
  };
  const fail = (node: Node, rule: string): never => {
    throw new ConfigError([{ file, ...(node.range ? at(node.range[0]) : {}), path: '', rule: `not valid YAML: ${oneLine(rule)}` }]);
  };
  const data = toData(doc.contents, 0);

  const locate = (path: readonly (string | number)[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      let parent: unknown = doc.contents;
      for (const part of path.slice(0, n - 1)) parent = childNode(parent, part);
      const last = path[n - 1];
      const node = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last))?.key
        : isSeq(parent) && typeof last === 'number'
          ? parent.items[last]
          : undefined;
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data, locate };

  function childNode(parent: unknown, part: string | number): unknown {
    const resolved = isAlias(parent) ? parent.resolve(doc) : parent;
    if (isMap(resolved)) {
      const value = resolved.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part))?.value;
      return isAlias(value) ? value.resolve(doc) : value;
    }
    if (isSeq(resolved) && typeof part === 'number') {
      const item = resolved.items[part];
      return isAlias(item) ? item.resolve(doc) : item;
    }
    return undefined;
  }
}
