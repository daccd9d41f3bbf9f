/**
 * `npm run schema`: writes schema/egress.schema.json from the config parser's schema
 * (lib/model/json-schema.ts). A test fails while the committed file differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText } from '../lib/model/json-schema';

const ROOT = join(__dirname, '..', '..');
const target = join(ROOT, CONFIG_JSON_SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, configJsonSchemaText());
process.stdout.write(`wrote ${CONFIG_JSON_SCHEMA_FILE}\n`);
