import { DEFAULT_PORT } from './allow-entries';
import { configSchema } from './config';
import { CONFIG_KEY_DOCS } from './config-docs';
import { clusterOptions, workloadOptions } from './options';
import { FIREWALL_DEFAULTS } from './firewall';
import { jsonSchemaOf, JsonSchemaNode } from './schema';

/** Where the generated schema is committed (`npm run schema` writes it). */
export const CONFIG_JSON_SCHEMA_FILE = 'schema/egress.schema.json';

/**
 * The defaults the model applies when a key is absent, in the config's own shape: read
 * from the functions that apply them, so the schema shows what synth really uses.
 */
function appliedDefaults(): Record<string, unknown> {
  return {
    'allowList[]': { ports: [DEFAULT_PORT], tlsInspection: false },
    cluster: clusterOptions(undefined),
    workloads: workloadOptions(undefined),
    firewall: FIREWALL_DEFAULTS,
  };
}

function defaultAt(path: string): unknown {
  const parts = path.replace(/\[\]\./g, '[].').split('.');
  let here: unknown = appliedDefaults();
  for (const part of parts) {
    if (here === null || typeof here !== 'object' || Array.isArray(here)) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here !== null && typeof here === 'object' && !Array.isArray(here) ? undefined : here;
}

/**
 * JSON Schema (draft-07) of `infra/egress.yaml`, generated from the parser's own schema
 * (`configSchema`): the same keys (unknown keys are errors in both), types, patterns,
 * ranges and choices, plus each key's description and applied default.
 * @throws when a key has no description in CONFIG_KEY_DOCS, or a description has no key
 */
export function configJsonSchema(): JsonSchemaNode {
  const used = new Set<string>();
  const missing: string[] = [];

  const annotate = (node: JsonSchemaNode, path: string): JsonSchemaNode => {
    if (node.type === 'array') return { ...node, items: annotate(node.items as JsonSchemaNode, `${path}[]`) };
    if (node.type !== 'object') return node;
    const properties: Record<string, JsonSchemaNode> = {};
    for (const [key, child] of Object.entries(node.properties as Record<string, JsonSchemaNode>)) {
      const childPath = path ? `${path}.${key}` : key;
      const description = CONFIG_KEY_DOCS[childPath];
      if (description === undefined) missing.push(childPath);
      used.add(childPath);
      const fallback = defaultAt(childPath);
      properties[key] = { description, ...(fallback === undefined ? {} : { default: fallback }), ...annotate(child, childPath) };
    }
    return { ...node, properties };
  };

  const body = annotate(jsonSchemaOf(configSchema as never), '');
  const unused = Object.keys(CONFIG_KEY_DOCS).filter((p) => !used.has(p));
  if (missing.length > 0 || unused.length > 0) {
    throw new Error(
      `lib/model/config-docs.ts is out of step with the config schema:` +
        (missing.length ? ` no description for ${missing.join(', ')};` : '') +
        (unused.length ? ` description of unknown key ${unused.join(', ')};` : ''),
    );
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'layered-egress configuration',
    description: 'infra/egress.yaml: the allow-list and the network levels it is rendered into. Generated from lib/model/config.ts by npm run schema.',
    ...body,
  };
}

/** The schema file's text: stable key order, two-space indent, final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
