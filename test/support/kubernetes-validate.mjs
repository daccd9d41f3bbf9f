// Validates Kubernetes objects against the OpenAPI schemas of `kubernetes-models`
// (an ESM-only package, so it runs in its own node process: see kubernetes-validator.ts).
// stdin: a JSON list of objects; stdout: a JSON list of { index, kind, name, errors }.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const [index, obj] of objects.entries()) {
  const kind = obj?.kind;
  const apiVersion = obj?.apiVersion;
  const name = obj?.metadata?.name;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') {
    results.push({ index, kind, name, errors: ['missing apiVersion or kind'] });
    continue;
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch {
    results.push({ index, kind, name, errors: [`no schema for ${apiVersion} ${kind} in kubernetes-models`] });
    continue;
  }
  try {
    new Model(obj).validate();
    results.push({ index, kind, name, errors: [] });
  } catch (e) {
    results.push({ index, kind, name, errors: String(e.message ?? e).split(/,\s*(?=data)/) });
  }
}
process.stdout.write(JSON.stringify(results));
