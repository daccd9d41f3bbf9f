/**
 * Validates Kubernetes objects offline against the Kubernetes OpenAPI schemas shipped in
 * `kubernetes-models` (ajv-compiled: types, required fields, formats, enums). That
 * package is ESM-only, so validation runs in a child node process
 * (`kubernetes-validate.mjs`); one call validates a whole batch.
 *
 * The schemas allow unknown fields (like the apiserver without strict field validation);
 * the charts build objects through the typed cdk8s `k8s` imports, whose TypeScript types
 * reject unknown fields at compile time.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The result for one object. */
export interface KubernetesValidation {
  readonly index: number;
  readonly kind?: string;
  readonly name?: string;
  /** Empty when the object is valid. */
  readonly errors: readonly string[];
}

const SCRIPT = join(__dirname, 'kubernetes-validate.mjs');

/** Validates every object; one result per object, in order. */
export function validateKubernetesObjects(objects: readonly unknown[]): KubernetesValidation[] {
  const out = execFileSync(process.execPath, [SCRIPT], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: join(__dirname, '..', '..'),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as KubernetesValidation[];
}

/** Parses a multi-document YAML manifest into objects (empty documents dropped). */
export function parseManifest(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`not valid YAML: ${d.errors[0].message}`);
      return d.toJS() as Record<string, unknown> | null;
    })
    .filter((d): d is Record<string, unknown> => d !== null);
}

/** @throws listing every invalid object and why */
export function assertValidKubernetesObjects(objects: readonly unknown[], label = 'manifest'): void {
  const bad = validateKubernetesObjects(objects).filter((r) => r.errors.length > 0);
  if (bad.length > 0)
    throw new Error(`${label}: ${bad.length} invalid object(s):\n${bad.map((b) => `  ${b.kind} ${b.name}: ${b.errors.join('; ')}`).join('\n')}`);
}
