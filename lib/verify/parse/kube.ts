import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import { Source } from '../types';

/**
 * Kubernetes objects read back from a level's manifest folder, found by kind and
 * content (never by file name).
 */

export interface KubeObject {
  readonly kind: string;
  readonly name: string;
  /** `default` when the object names none. */
  readonly namespace: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the object as parsed from YAML: any shape, read defensively
  readonly body: Readonly<Record<string, any>>;
  readonly file: string;
  /** Position of the document in its file (0-based). */
  readonly index: number;
  /** 1-based line of the document's `kind:` in its file. */
  readonly line?: number;
  /** Where each `data` value of a ConfigMap sits in the file, to point findings at lines. */
  readonly dataValues?: Readonly<Record<string, DataValueSpan>>;
}

/** The source text of one ConfigMap data value and where it starts in the file. */
export interface DataValueSpan {
  /** yaml's scalar type: `BLOCK_LITERAL`, `BLOCK_FOLDED`, `QUOTE_SINGLE`, `QUOTE_DOUBLE` or `PLAIN`. */
  readonly type: string;
  /** 1-based file line of the value's first character (the `|` of a block scalar). */
  readonly startLine: number;
  /** The value's text exactly as written in the file (quotes and indentation included). */
  readonly raw: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The file line of something inside a ConfigMap data value, whatever the embedding: a
 * literal block scalar (`|`) maps value line N to the header line + N; any other scalar
 * (a folded block, a JSON document in one quoted line) is searched for `needle` as a
 * whole name (not inside a longer name), starting after `after` when given.
 */
export function dataLine(
  o: KubeObject,
  key: string,
  at: { readonly valueLine?: number; readonly needle?: string; readonly after?: string },
): number | undefined {
  // Rules ask for the same line many times (one per probe name): search once.
  const memo = lineMemo.get(o) ?? new Map<string, number | undefined>();
  lineMemo.set(o, memo);
  const memoKey = `${key}\n${at.valueLine ?? ''}\n${at.needle ?? ''}\n${at.after ?? ''}`;
  if (memo.has(memoKey)) return memo.get(memoKey);
  const line = findDataLine(o, key, at);
  memo.set(memoKey, line);
  return line;
}

const lineMemo = new WeakMap<KubeObject, Map<string, number | undefined>>();

function findDataLine(o: KubeObject, key: string, at: { readonly valueLine?: number; readonly needle?: string; readonly after?: string }): number | undefined {
  const span = o.dataValues?.[key];
  if (!span) return o.line;
  if (at.valueLine !== undefined && span.type === 'BLOCK_LITERAL') return span.startLine + at.valueLine;
  if (at.needle) {
    const from = at.after ? Math.max(0, span.raw.indexOf(at.after)) : 0;
    const re = new RegExp(`(?<![a-z0-9.*_-])${escapeRe(at.needle)}(?![a-z0-9_-]|\\.[a-z0-9])`, 'gi');
    re.lastIndex = from;
    const m = re.exec(span.raw) ?? new RegExp(re.source, 'i').exec(span.raw);
    if (m) return span.startLine + (span.raw.slice(0, m.index).match(/\n/g)?.length ?? 0);
  }
  return span.startLine;
}

/** A line of the `dnsmasq.conf` key (1-based within the value), with its text when known. */
export function dnsmasqSource(o: KubeObject, line: number | undefined, text?: string): Source {
  if (!line) return describeData(o, 'dnsmasq.conf', 'key dnsmasq.conf', {});
  return describeData(o, 'dnsmasq.conf', `key dnsmasq.conf line ${line}${text ? `: ${text}` : ''}`, { valueLine: line, needle: text });
}

/** A source pointing at a line inside a ConfigMap data value. */
export function describeData(
  o: KubeObject,
  key: string,
  extra: string,
  at: { readonly valueLine?: number; readonly needle?: string; readonly after?: string },
): Source {
  return { ...describe(o, extra), line: dataLine(o, key, at) };
}

/** A readable name for findings: `Service egress/envoy`. */
export function describe(o: KubeObject, extra?: string): Source {
  return { file: o.file, object: `${o.kind} ${o.namespace}/${o.name}${extra ? `, ${extra}` : ''}`, line: o.line };
}

/** Parses one multi-document YAML file; YAML errors are returned, not thrown. */
export function parseManifestFile(file: string, text: string): { objects: KubeObject[]; errors: string[] } {
  const objects: KubeObject[] = [];
  const errors: string[] = [];
  const lineCounter = new LineCounter();
  parseAllDocuments(text, { lineCounter }).forEach((doc, index) => {
    if ('errors' in doc && doc.errors.length > 0) {
      errors.push(`${file}: document ${index}: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a document as parsed from YAML: any shape, read defensively
    const body = doc.toJS() as Record<string, any> | null;
    if (!body || typeof body !== 'object' || typeof body.kind !== 'string') return;
    objects.push({
      kind: body.kind,
      name: String(body.metadata?.name ?? ''),
      namespace: String(body.metadata?.namespace ?? 'default'),
      body,
      file,
      index,
      line: lineOfKind(doc.contents, lineCounter),
      dataValues: dataSpans(doc.contents, text, lineCounter),
    });
  });
  return { objects, errors };
}

/** The pod template spec of a workload (Deployment, DaemonSet, StatefulSet, Job, Pod). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pod spec as parsed from YAML: any shape, read defensively
export function podSpec(o: KubeObject): Record<string, any> | undefined {
  if (o.kind === 'Pod') return o.body.spec;
  if (o.kind === 'CronJob') return o.body.spec?.jobTemplate?.spec?.template?.spec;
  return o.body.spec?.template?.spec;
}

/** The pod labels of a workload. */
export function podLabels(o: KubeObject): Record<string, string> {
  if (o.kind === 'Pod') return o.body.metadata?.labels ?? {};
  return o.body.spec?.template?.metadata?.labels ?? {};
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/** Names of the ConfigMaps a workload mounts (volumes and projected sources). */
export function mountedConfigMaps(o: KubeObject): string[] {
  const spec = podSpec(o);
  const names: string[] = [];
  for (const v of spec?.volumes ?? []) {
    if (v?.configMap?.name) names.push(v.configMap.name);
    for (const s of v?.projected?.sources ?? []) if (s?.configMap?.name) names.push(s.configMap.name);
  }
  return names;
}

/** True when every key of `selector` is in `labels` with the same value (and the selector is not empty). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Every container (init and regular) of a workload. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a container as parsed from YAML: any shape, read defensively
export function containers(o: KubeObject): Array<Record<string, any>> {
  const spec = podSpec(o);
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

function lineOfKind(contents: unknown, lc: LineCounter): number | undefined {
  if (!isMap(contents)) return undefined;
  const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

function dataSpans(contents: unknown, text: string, lc: LineCounter): Record<string, DataValueSpan> | undefined {
  if (!isMap(contents)) return undefined;
  const data = contents.get('data', true);
  if (!isMap(data)) return undefined;
  const out: Record<string, DataValueSpan> = {};
  for (const p of data.items) {
    if (!isScalar(p.key) || !isScalar(p.value) || !p.value.range) continue;
    const [start, end] = p.value.range;
    out[String(p.key.value)] = { type: String(p.value.type ?? 'PLAIN'), startLine: lc.linePos(start).line, raw: text.slice(start, end) };
  }
  return out;
}
