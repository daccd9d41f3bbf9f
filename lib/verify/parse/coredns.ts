/**
 * The AKS `coredns-custom` ConfigMap read as CoreDNS would import it: keys ending
 * `.override` are plugin lines inside the default `.:53` block, imported in file-name
 * order (`import custom/*.override`); keys ending `.server` are whole server blocks.
 * Only the `rewrite name` forms are modelled (docs/semantics.md; CoreDNS rewrite plugin README);
 * everything else that could change an answer is reported, not guessed.
 */

export type RewriteMatch = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';

export interface RewriteRule {
  readonly key: string;
  /** 1-based line in the key's value. */
  readonly line: number;
  readonly mode: 'stop' | 'continue';
  readonly match: RewriteMatch;
  readonly from: string;
  readonly to: string;
  /** Compiled regex (regex rules only). */
  readonly regex?: RegExp;
  /** `answer auto`, or `answer name FROM TO`; undefined when there is no response rewrite. */
  readonly answer?: 'auto' | { readonly from: string; readonly to: string };
  readonly text: string;
}

export interface CorednsCustom {
  readonly rules: readonly RewriteRule[];
  /** Lines that may change answers but are not modelled (hosts, template, forward, rewrite of other fields ...). */
  readonly unmodelled: ReadonlyArray<{ readonly key: string; readonly line: number; readonly text: string; readonly why: string }>;
  /** Server blocks of `.server` keys: they answer their zones outside the modelled rewrites. */
  readonly servers: ReadonlyArray<{ readonly key: string; readonly line: number; readonly zones: readonly string[]; readonly text: string }>;
  /** Keys that break CoreDNS (a `.server` key redefining `.:53`, bad regexes ...). */
  readonly problems: ReadonlyArray<{ readonly key: string; readonly line?: number; readonly message: string }>;
}

/** Plugins that never change which address a name resolves to. */
const HARMLESS = new Set([
  'log',
  'errors',
  'cache',
  'reload',
  'loop',
  'health',
  'ready',
  'prometheus',
  'loadbalance',
  'debug',
  'whoami',
  'any',
  'minimal',
  'nsid',
  'bufsize',
]);

/** Converts an RE2 (Go) pattern to a JS RegExp; undefined when it uses syntax JS reads differently. */
export function compileGoRegex(pattern: string): RegExp | undefined {
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  if (/\(\?[a-zA-Z]/.test(source.replace(/\(\?P?</g, ''))) return undefined; // inline flags elsewhere
  source = source.replace(/\(\?P</g, '(?<');
  if (/\\[pPQEzA]|\[\[:/.test(source)) return undefined; // RE2-only classes and anchors
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

/** Splits a key's value into logical lines: `{ ... }` blocks joined onto their directive. */
function logicalLines(text: string): Array<{ line: number; tokens: string[]; text: string }> {
  const out: Array<{ line: number; tokens: string[]; text: string }> = [];
  let pending: { line: number; tokens: string[]; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const stripped = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!stripped) return;
    const tokens = stripped.split(/\s+/);
    if (pending) {
      if (tokens[0] === '}') {
        out.push(pending);
        pending = undefined;
        return;
      }
      pending.tokens.push(';', ...tokens);
      pending.text += ` ${stripped}`;
      return;
    }
    if (tokens[tokens.length - 1] === '{') {
      pending = { line: i + 1, tokens: tokens.slice(0, -1), text: stripped };
      pending.tokens.push('{');
      return;
    }
    out.push({ line: i + 1, tokens, text: stripped });
  });
  if (pending) out.push(pending);
  return out;
}

/** Parses the data of the `coredns-custom` ConfigMap. */
export function parseCorednsCustom(data: Readonly<Record<string, string>>): CorednsCustom {
  const rules: RewriteRule[] = [];
  const unmodelled: Array<{ key: string; line: number; text: string; why: string }> = [];
  const problems: Array<{ key: string; line?: number; message: string }> = [];
  const servers: Array<{ key: string; line: number; zones: string[]; text: string }> = [];
  const keys = Object.keys(data).sort();
  for (const key of keys) {
    const value = String(data[key] ?? '');
    if (key.endsWith('.server')) {
      if (/(^|\s)\.(:53)?\s*\{/m.test(value) || /(^|\s)\.:53\b/m.test(value)) {
        problems.push({ key, message: `${key} defines the root zone '.:53', which the default Corefile already serves: CoreDNS fails to start` });
      }
      servers.push(...serverBlocks(key, value));
      continue;
    }
    if (!key.endsWith('.override')) continue;
    for (const ll of logicalLines(value)) {
      const [plugin] = ll.tokens;
      if (HARMLESS.has(plugin)) continue;
      if (plugin !== 'rewrite') {
        unmodelled.push({ key, line: ll.line, text: ll.text, why: `plugin '${plugin}' is not modelled` });
        continue;
      }
      const parsed = parseRewrite(key, ll);
      if ('problem' in parsed) {
        if (parsed.unmodelled) unmodelled.push({ key, line: ll.line, text: ll.text, why: parsed.problem });
        else problems.push({ key, line: ll.line, message: parsed.problem });
      } else rules.push(parsed);
    }
  }
  return { rules, unmodelled, problems, servers };
}

/** The zones of every top-level server block (`zone[:port] ... {`) in a `.server` key. */
function serverBlocks(key: string, text: string): Array<{ key: string; line: number; zones: string[]; text: string }> {
  const out: Array<{ key: string; line: number; zones: string[]; text: string }> = [];
  let depth = 0;
  text.split('\n').forEach((raw, i) => {
    const stripped = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!stripped) return;
    if (depth === 0 && stripped.endsWith('{')) {
      const zones = stripped
        .slice(0, -1)
        .trim()
        .split(/[\s,]+/)
        .filter((z) => z.length > 0)
        .map((z) =>
          z
            .replace(/^[a-z]+:\/\//i, '')
            .replace(/:\d+$/, '')
            .toLowerCase(),
        )
        .map((z) => (z === '.' ? '.' : z.replace(/\.$/, '')));
      out.push({ key, line: i + 1, zones: zones.length > 0 ? zones : ['.'], text: stripped });
    }
    depth += (stripped.match(/\{/g)?.length ?? 0) - (stripped.match(/\}/g)?.length ?? 0);
  });
  if (out.length === 0 && text.trim()) out.push({ key, line: 1, zones: ['.'], text: text.trim().split('\n')[0] });
  return out;
}

function parseRewrite(key: string, ll: { line: number; tokens: string[]; text: string }): RewriteRule | { problem: string; unmodelled?: boolean } {
  let t = ll.tokens.slice(1).filter((x) => x !== ';' && x !== '{');
  let mode: 'stop' | 'continue' = 'stop';
  if (t[0] === 'stop' || t[0] === 'continue') {
    mode = t[0];
    t = t.slice(1);
  }
  if (t[0] !== 'name') return { problem: `rewrite of field '${t[0]}' is not modelled`, unmodelled: true };
  t = t.slice(1);
  let match: RewriteMatch = 'exact';
  if (['exact', 'prefix', 'suffix', 'substring', 'regex'].includes(t[0])) {
    match = t[0] as RewriteMatch;
    t = t.slice(1);
  }
  const [from, to, ...rest] = t;
  if (from === undefined || to === undefined) return { problem: `rewrite name needs FROM and TO: '${ll.text}'` };
  let answer: RewriteRule['answer'];
  if (rest.length > 0) {
    if (rest[0] === 'answer' && rest[1] === 'auto' && rest.length === 2) answer = 'auto';
    else if (rest[0] === 'answer' && rest[1] === 'name' && rest.length === 4) answer = { from: rest[2], to: rest[3] };
    else if (rest[0] === 'answer' && rest[1] === 'value') return { problem: `'answer value' is not modelled`, unmodelled: true };
    else return { problem: `unexpected arguments after TO: '${rest.join(' ')}'` };
  }
  let regex: RegExp | undefined;
  if (match === 'regex') {
    regex = compileGoRegex(from);
    if (!regex) return { problem: `regex '${from}' uses syntax the verifier cannot model`, unmodelled: true };
  }
  return { key, line: ll.line, mode, match, from, to, regex, answer, text: ll.text };
}
