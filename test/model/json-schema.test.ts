/**
 * schema/egress.schema.json is what editors complete `infra/egress.yaml` with. It is
 * generated from the parser's schema; these tests keep the committed file current and
 * check, key by key, that a real JSON Schema validator (ajv) and the parser agree.
 */
import Ajv, { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ConfigError, clusterOptions, parseConfig, workloadOptions } from '../../lib/model';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchema, configJsonSchemaText } from '../../lib/model/json-schema';
import { BASE } from '../support/configs';

const committed = readFileSync(CONFIG_JSON_SCHEMA_FILE, 'utf8');
const schema = JSON.parse(committed);
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Every key the config may hold, each with a valid value. */
const everyKey = {
  name: 'edge',
  location: 'westeurope',
  levels: [
    {
      name: 'l4',
      addressSpace: '172.16.0.0/16',
      nodeSubnet: '172.16.0.0/20',
      loadBalancerSubnet: '172.16.16.0/28',
      envoyIp: '172.16.16.10',
      dnsIp: '172.16.16.11',
    },
    { name: 'l3', addressSpace: '172.18.0.0/16' },
  ],
  allowList: [
    { domain: 'mcr.microsoft.com', ports: [443, 8443], purpose: 'images', tlsInspection: false },
    { domain: 'management.azure.com', ports: [443], purpose: 'inspected', tlsInspection: true },
  ],
  terraform: {
    backend: {
      resourceGroupName: 'rg-tfstate',
      storageAccountName: 'sttfstate01',
      containerName: 'tfstate',
      keyPrefix: 'edge',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      tenantId: '00000000-0000-0000-0000-000000000002',
      clientId: '00000000-0000-0000-0000-000000000003',
      useOidc: true,
      useMsi: false,
      useAzureadAuth: true,
    },
  },
  // With a firewall the top level routes through it and resolves through its DNS proxy (172.16.192.4).
  cluster: { ...clusterOptions(undefined), kubernetesVersion: '1.33', outboundType: 'userDefinedRouting' },
  workloads: {
    ...workloadOptions(undefined),
    imageRegistryMirror: 'myacr.azurecr.io',
    envoy: { ...workloadOptions(undefined).envoy, upstreamDns: ['172.16.192.4'] },
    dnsmasq: { ...workloadOptions(undefined).dnsmasq, upstreamDns: '172.16.192.4', forwardZones: ['privatelink.blob.core.windows.net'] },
  },
  firewall: {
    placement: 'top',
    sku: 'Premium',
    threatIntel: 'Deny',
    idps: 'Deny',
    publicIps: 2,
    tls: { keyVaultSecretId: 'https://kv-egress.vault.azure.net/secrets/firewall-ca' },
  },
};

/**
 * `hub:` is valid only with placement 'hub', which synth refuses until the hub-spoke
 * topology is generated: the misspelling test reads the hub keys from this config, whose
 * only other problem is that refusal.
 */
const everyKeyWithHub = { ...everyKey, firewall: { ...everyKey.firewall, placement: 'hub' }, hub: { addressSpace: '10.100.0.0/22' } };

/** Path of every key in the schema, items of lists as index 0. */
function keyPaths(node: any, path: (string | number)[] = []): (string | number)[][] {
  if (node.type === 'array') return keyPaths(node.items, [...path, 0]);
  if (node.type !== 'object') return [];
  return Object.entries(node.properties).flatMap(([key, child]) => [[...path, key], ...keyPaths(child, [...path, key])]);
}

function misspell(config: any, path: (string | number)[]): { config: any; wrong: string } {
  const copy = JSON.parse(JSON.stringify(config));
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step];
  const key = path[path.length - 1] as string;
  const wrong = `${key}x`;
  parent[wrong] = parent[key];
  delete parent[key];
  return { config: copy, wrong };
}

function parserProblems(config: unknown): string[] {
  try {
    parseConfig(stringify(config), 'egress.yaml');
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.rule}`);
    throw e;
  }
}

describe('schema/egress.schema.json', () => {
  test('is current (run npm run schema after changing the config schema)', () => {
    expect(committed).toBe(configJsonSchemaText());
  });

  test('every key has a description; keys the model fills in show its default', () => {
    const paths = keyPaths(schema);
    expect(paths.length).toBeGreaterThan(40);
    const at = (path: (string | number)[]) => path.reduce((n: any, step) => (typeof step === 'number' ? n.items : n.properties[step]), schema);
    for (const path of paths) expect([path.join('.'), typeof at(path).description]).toEqual([path.join('.'), 'string']);
    expect(at(['workloads', 'envoy', 'exactNamesVia']).default).toBe('logical-dns');
    expect(at(['allowList', 0, 'ports']).default).toEqual([443]);
    expect(at(['cluster', 'networkPlugin']).default).toBe('azure-overlay');
  });

  test('the shipped config, the test base config and a config with every key validate, and the parser accepts them too', () => {
    const configs: Record<string, unknown> = {
      'infra/egress.yaml': parse(readFileSync('infra/egress.yaml', 'utf8')),
      'test/support/configs.ts BASE': parse(BASE),
      'every key': everyKey,
    };
    for (const [label, config] of Object.entries(configs)) {
      const ok = validate(config);
      expect([label, ok ? [] : validate.errors]).toEqual([label, []]);
      expect([label, parserProblems(config)]).toEqual([label, []]);
    }
  });

  test('a misspelt key fails, at every place a key can be, in the schema and in the parser alike', () => {
    const paths = keyPaths(schema);
    for (const path of paths) {
      const { config, wrong } = misspell(path[0] === 'hub' ? everyKeyWithHub : everyKey, path);
      expect(validate(config)).toBe(false);
      const unknown = (validate.errors ?? []).filter((e: ErrorObject) => e.keyword === 'additionalProperties' && e.params.additionalProperty === wrong);
      expect([path.join('.'), unknown.length]).toEqual([path.join('.'), 1]);
      expect([path.join('.'), parserProblems(config).some((p) => p.includes('unknown key'))]).toEqual([path.join('.'), true]);
    }
  });

  test('wrong types and out-of-range values fail in both', () => {
    for (const bad of [
      { ...everyKey, allowList: [{ domain: 'mcr.microsoft.com', ports: ['443'] }] },
      { ...everyKey, allowList: [{ domain: 'mcr.microsoft.com', ports: [70000] }] },
      { ...everyKey, workloads: { envoy: { exactNamesVia: 'dns' } } },
      { ...everyKey, levels: [] },
      { ...everyKey, name: 'Edge' },
    ]) {
      expect(validate(bad)).toBe(false);
      expect(parserProblems(bad)).not.toEqual([]);
    }
  });

  test('infra/egress.yaml points YAML language servers at the schema', () => {
    expect(readFileSync('infra/egress.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/egress.schema.json');
  });

  test('generation refuses a key without a description and a description without a key', () => {
    expect(() => configJsonSchema()).not.toThrow();
    jest.isolateModules(() => {
      const { CONFIG_KEY_DOCS } = jest.requireActual('../../lib/model/config-docs');
      const { 'cluster.vmSize': _dropped, ...rest } = CONFIG_KEY_DOCS;
      jest.doMock('../../lib/model/config-docs', () => ({ CONFIG_KEY_DOCS: { ...rest, 'cluster.vmSise': 'typo' } }));
      const generate = require('../../lib/model/json-schema').configJsonSchema as typeof configJsonSchema;
      expect(generate).toThrow(/no description for cluster\.vmSize;.*description of unknown key cluster\.vmSise/);
    });
  });
});
