import { parseAllDocuments } from 'yaml';
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
  readonly body: Readonly<Record<string, any>>;
  readonly file: string;
  /** Position of the document in its file (0-based). */
  readonly index: number;
}

/** A readable name for findings: `Service egress/envoy`. */
export function describe(o: KubeObject, extra?: string): Source {
  return { file: o.file, object: `${o.kind} ${o.namespace}/${o.name}${extra ? `, ${extra}` : ''}` };
}

/** Parses one multi-document YAML file; YAML errors are returned, not thrown. */
export function parseManifestFile(file: string, text: string): { objects: KubeObject[]; errors: string[] } {
  const objects: KubeObject[] = [];
  const errors: string[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if ('errors' in doc && doc.errors.length > 0) {
      errors.push(`${file}: document ${index}: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    const body = doc.toJS() as Record<string, any> | null;
    if (!body || typeof body !== 'object' || typeof body.kind !== 'string') return;
    objects.push({
      kind: body.kind,
      name: String(body.metadata?.name ?? ''),
      namespace: String(body.metadata?.namespace ?? 'default'),
      body,
      file,
      index,
    });
  });
  return { objects, errors };
}

/** The pod template spec of a workload (Deployment, DaemonSet, StatefulSet, Job, Pod). */
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
export function containers(o: KubeObject): Array<Record<string, any>> {
  const spec = podSpec(o);
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}
