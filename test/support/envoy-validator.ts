/**
 * A strict, offline validator for Envoy v3 bootstrap configs, against the real API protos
 * shipped in `@grpc/grpc-js-xds` (deps/envoy-api, deps/xds, deps/protoc-gen-validate,
 * deps/googleapis). protobufjs's own `fromObject`/`verify` silently drop unknown fields,
 * so this walks the object against the descriptors itself, the way Envoy's proto3-JSON
 * loading does: an unknown field, a wrong JSON type, a bad enum value, two members of one
 * oneof, an `@type` that resolves to no message, or a malformed Duration each fail.
 *
 * Extension types are loaded on demand from the package named in the type URL
 * (`type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy` loads
 * every .proto of `envoy/extensions/filters/network/tcp_proxy/v3/`), so any real Envoy
 * type resolves and a misspelt one does not.
 *
 * Usage: `validateEnvoyConfig(textOrObject)` returns a list of problems (empty = valid);
 * `assertValidEnvoyConfig` throws with all of them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as protobuf from 'protobufjs';
import { parse as parseYaml } from 'yaml';

/** One problem: where (JSON path) and what. */
export interface EnvoyConfigProblem {
  readonly path: string;
  readonly message: string;
}

const DEPS = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const INCLUDE_DIRS = ['envoy-api', 'xds', 'protoc-gen-validate', 'googleapis'].map((d) => join(DEPS, d));
const PROTOBUFJS_DIR = dirname(require.resolve('protobufjs/package.json'));
const BOOTSTRAP_TYPE = 'envoy.config.bootstrap.v3.Bootstrap';

let sharedRoot: protobuf.Root | undefined;
const loadedDirs = new Set<string>();

function newRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string | null => {
    // protobufjs ships the well-known types (any, duration, struct, wrappers, ...) built in.
    if (target in (protobuf as unknown as { common: Record<string, unknown> }).common) return target;
    if (target.startsWith('google/protobuf/')) {
      const own = join(PROTOBUFJS_DIR, target);
      if (existsSync(own)) return own;
    }
    if (existsSync(target)) return target;
    for (const dir of INCLUDE_DIRS) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return null;
  };
  return root;
}

/** The shared root with the bootstrap loaded (about 0.2 s the first time). */
export function envoyProtoRoot(): protobuf.Root {
  if (!sharedRoot) {
    sharedRoot = newRoot();
    sharedRoot.loadSync('envoy/config/bootstrap/v3/bootstrap.proto', { keepCase: true });
    sharedRoot.resolveAll();
  }
  return sharedRoot;
}

/** Loads every .proto of the package a fully qualified message name lives in; false when there is none. */
function loadPackageOf(root: protobuf.Root, fullName: string): boolean {
  const parts = fullName.split('.');
  for (let n = parts.length - 1; n > 0; n--) {
    const rel = parts.slice(0, n).join('/');
    for (const dir of INCLUDE_DIRS) {
      const abs = join(dir, rel);
      if (!existsSync(abs) || loadedDirs.has(abs)) continue;
      const files = readdirSync(abs).filter((f) => f.endsWith('.proto'));
      if (files.length === 0) continue;
      loadedDirs.add(abs);
      for (const f of files) root.loadSync(join(rel, f), { keepCase: true });
      root.resolveAll();
      return true;
    }
  }
  return false;
}

function lookupMessage(root: protobuf.Root, fullName: string): protobuf.Type | undefined {
  const find = () => {
    try {
      return root.lookupType(fullName);
    } catch {
      return undefined;
    }
  };
  return find() ?? (loadPackageOf(root, fullName) ? find() : undefined);
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** proto3 JSON Duration: decimal seconds with up to 9 fractional digits and an `s` suffix, within +-315576000000 s. */
const DURATION = /^-?(\d+)(\.\d{1,9})?s$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

class Walker {
  readonly problems: EnvoyConfigProblem[] = [];
  constructor(private readonly root: protobuf.Root) {}

  private fail(path: string, message: string): void {
    this.problems.push({ path: path || '$', message });
  }

  message(type: protobuf.Type, value: unknown, path: string): void {
    const full = type.fullName.replace(/^\./, '');
    if (this.wellKnown(full, value, path)) return;
    if (!isObject(value)) return this.fail(path, `${full}: expected an object, got ${describe(value)}`);
    const byName = new Map<string, protobuf.Field>();
    for (const f of type.fieldsArray) {
      byName.set(f.name, f);
      byName.set(camel(f.name), f);
    }
    const oneofSeen = new Map<string, string>();
    for (const [key, v] of Object.entries(value)) {
      const field = byName.get(key);
      if (!field) {
        this.fail(`${path}.${key}`, `unknown field '${key}' in ${full}`);
        continue;
      }
      if (v === null) continue; // proto3 JSON: null means the default
      if (field.partOf) {
        const other = oneofSeen.get(field.partOf.name);
        if (other) this.fail(`${path}.${key}`, `'${key}' and '${other}' are both set, but belong to the same oneof '${field.partOf.name}' of ${full}`);
        else oneofSeen.set(field.partOf.name, key);
      }
      this.field(field, v, `${path}.${key}`);
    }
  }

  private field(field: protobuf.Field, value: unknown, path: string): void {
    field.resolve();
    if (field instanceof protobuf.MapField) {
      if (!isObject(value)) return this.fail(path, `map field '${field.name}': expected an object, got ${describe(value)}`);
      for (const [k, v] of Object.entries(value)) this.single(field, v, `${path}.${k}`);
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) return this.fail(path, `repeated field '${field.name}': expected a list, got ${describe(value)}`);
      value.forEach((v, i) => this.single(field, v, `${path}[${i}]`));
      return;
    }
    this.single(field, value, path);
  }

  private single(field: protobuf.Field, value: unknown, path: string): void {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) return this.message(rt, value, path);
    if (rt instanceof protobuf.Enum) return this.enumValue(rt, value, path);
    this.scalar(field.type, value, path);
  }

  private enumValue(e: protobuf.Enum, value: unknown, path: string): void {
    if (typeof value === 'string') {
      if (!(value in e.values)) this.fail(path, `'${value}' is not a value of enum ${e.fullName.replace(/^\./, '')} (${Object.keys(e.values).join(', ')})`);
    } else if (typeof value === 'number') {
      if (!Number.isInteger(value)) this.fail(path, `enum ${e.name}: ${value} is not an integer`);
    } else this.fail(path, `enum ${e.name}: expected a value name, got ${describe(value)}`);
  }

  private scalar(type: string, value: unknown, path: string): void {
    if (type in INT_RANGES) {
      const asText =
        typeof value === 'number'
          ? Number.isInteger(value)
            ? String(value)
            : undefined
          : typeof value === 'string' && /^-?\d+$/.test(value)
            ? value
            : undefined;
      if (asText === undefined) return this.fail(path, `${type}: expected an integer, got ${describe(value)}`);
      const [min, max] = INT_RANGES[type];
      const n = BigInt(asText);
      if (n < min || n > max) this.fail(path, `${type}: ${asText} is out of range`);
      return;
    }
    switch (type) {
      case 'double':
      case 'float':
        if (!(typeof value === 'number' || (typeof value === 'string' && /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(value))))
          this.fail(path, `${type}: expected a number, got ${describe(value)}`);
        return;
      case 'bool':
        if (typeof value !== 'boolean') this.fail(path, `bool: expected true or false, got ${describe(value)}`);
        return;
      case 'string':
        if (typeof value !== 'string') this.fail(path, `string: expected a string, got ${describe(value)}`);
        return;
      case 'bytes':
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) this.fail(path, `bytes: expected base64, got ${describe(value)}`);
        return;
      default:
        this.fail(path, `unsupported scalar type ${type}`);
    }
  }

  /** proto3 JSON mappings of the well-known types; true when `full` is one (and was checked). */
  private wellKnown(full: string, value: unknown, path: string): boolean {
    if (full in WRAPPERS) {
      this.scalar(WRAPPERS[full], value, path);
      return true;
    }
    switch (full) {
      case 'google.protobuf.Duration': {
        const m = typeof value === 'string' ? DURATION.exec(value) : null;
        if (!m) this.fail(path, `Duration: expected a string such as "10s" or "0.5s", got ${describe(value)}`);
        else if (BigInt(m[1]) > 315576000000n) this.fail(path, `Duration: ${value} is out of range`);
        return true;
      }
      case 'google.protobuf.Timestamp':
        if (typeof value !== 'string' || !TIMESTAMP.test(value)) this.fail(path, `Timestamp: expected RFC 3339, got ${describe(value)}`);
        return true;
      case 'google.protobuf.FieldMask':
        if (typeof value !== 'string') this.fail(path, `FieldMask: expected a string, got ${describe(value)}`);
        return true;
      case 'google.protobuf.Struct':
        if (!isObject(value)) this.fail(path, `Struct: expected an object, got ${describe(value)}`);
        return true;
      case 'google.protobuf.ListValue':
        if (!Array.isArray(value)) this.fail(path, `ListValue: expected a list, got ${describe(value)}`);
        return true;
      case 'google.protobuf.Value':
        return true;
      case 'google.protobuf.Empty':
        if (!isObject(value) || Object.keys(value).length > 0) this.fail(path, `Empty: expected {}, got ${describe(value)}`);
        return true;
      case 'google.protobuf.Any':
        this.any(value, path);
        return true;
      default:
        return false;
    }
  }

  private any(value: unknown, path: string): void {
    if (!isObject(value)) return this.fail(path, `Any: expected an object with '@type', got ${describe(value)}`);
    const url = value['@type'];
    if (typeof url !== 'string' || !url.includes('/'))
      return this.fail(`${path}.@type`, `Any: '@type' must be a type URL such as type.googleapis.com/<message>, got ${describe(url)}`);
    const name = url.slice(url.lastIndexOf('/') + 1);
    const type = lookupMessage(this.root, name);
    if (!type) return this.fail(`${path}.@type`, `Any: '@type' ${url} does not resolve to a message of the Envoy v3 API`);
    const { ['@type']: _ignored, ...rest } = value;
    const full = type.fullName.replace(/^\./, '');
    const special =
      full in WRAPPERS ||
      [
        'google.protobuf.Duration',
        'google.protobuf.Timestamp',
        'google.protobuf.FieldMask',
        'google.protobuf.Struct',
        'google.protobuf.Value',
        'google.protobuf.ListValue',
        'google.protobuf.Empty',
        'google.protobuf.Any',
      ].includes(full);
    if (special) {
      const extra = Object.keys(rest).filter((k) => k !== 'value');
      if (extra.length > 0) this.fail(path, `Any of ${full}: only 'value' may accompany '@type', found ${extra.join(', ')}`);
      if ('value' in rest) this.message(type, rest.value, `${path}.value`);
      return;
    }
    this.message(type, rest, path);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Validates an Envoy bootstrap (YAML or JSON text, or an already parsed object) against
 * `envoy.config.bootstrap.v3.Bootstrap`. Returns every problem found; empty when valid.
 */
export function validateEnvoyConfig(config: string | unknown, messageType = BOOTSTRAP_TYPE): EnvoyConfigProblem[] {
  let value: unknown = config;
  if (typeof config === 'string') {
    try {
      value = parseYaml(config);
    } catch (e) {
      return [{ path: '$', message: `not valid YAML/JSON: ${(e as Error).message}` }];
    }
  }
  const root = envoyProtoRoot();
  const type = lookupMessage(root, messageType);
  if (!type) throw new Error(`message type ${messageType} is not in the Envoy API`);
  const walker = new Walker(root);
  walker.message(type, value, '$');
  return walker.problems;
}

/** @throws listing every problem when the config is not a valid Envoy bootstrap */
export function assertValidEnvoyConfig(config: string | unknown, label = 'envoy config'): void {
  const problems = validateEnvoyConfig(config);
  if (problems.length > 0) throw new Error(`${label} is not a valid Envoy v3 bootstrap:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
}
