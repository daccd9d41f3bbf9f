import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { AllowEntry, AllowIndex, buildAllowEntries } from './allow-entries';
import { AZURE_VNET_RESERVED_RANGES, privateClusterZone } from './azure-facts';
import { AddressOverrides, LevelAddressPlan, MAX_LEVEL_PREFIX, MIN_LEVEL_PREFIX, MAX_SUBNET_PREFIX, planLevelAddresses } from './address-plan';
import {
  allowEntrySchema,
  clusterSchema,
  configSchema,
  firewallSchema,
  hubSchema,
  levelSchema,
  locationField,
  nameField,
  MAX_PORTS_PER_ENTRY,
  RawAllowEntry,
  RawLevel,
  workloadsSchema,
} from './config';
import { Cidr, cidrContains, cidrsOverlap, findOverlaps, formatCidr, parseCidr, parseIpv4 } from './ipv4';
import { ConfigError, ConfigIssue, IssueCollector } from './issues';
import { networkProblems } from './network-rules';
import { clusterOptions, ClusterOptions, TerraformOptions, workloadOptions, WorkloadOptions } from './options';
import { deploymentProblems } from './deployment-rules';
import { buildFirewallModel, FirewallModel, withFirewall } from './firewall';
import { firewallProblems } from './firewall-rules';
import { forwardZoneClashes, privateClusterZoneClashes } from './forward-zones';
import { registryEndpoints, registryOf } from './registries';
import { Field } from './schema';
import { MAX_CONFIG_BYTES, readYaml } from './yaml-source';

/** One network level, with its place in the chain and its planned addresses. */
export interface LevelModel {
  /** The level's name (`levels[].name`): stack, label and resource-name part. */
  readonly name: string;
  /** 0 for the top (internet-facing) level, increasing downwards. */
  readonly index: number;
  /** The level above, whose proxy and DNS this level uses; undefined at the top. */
  readonly parent?: string;
  /** The level below, which uses this level's proxy and DNS; undefined at the bottom. */
  readonly child?: string;
  /** The level's planned address space, subnets and load balancer IPs. */
  readonly addresses: LevelAddressPlan;
  /** The parts of `addresses` the config sets itself (`levels[].nodeSubnet` ...); undefined when all are planned. */
  readonly addressOverrides?: AddressOverrides;
}

/** Everything the renderers and constructs need, validated and normalised once. */
export interface EgressModel {
  /** The config file the model was read from (as given). */
  readonly file: string;
  /** The deployment's name (`name`): the prefix of every Azure resource name. */
  readonly name: string;
  /** The Azure region of every level (`location`). */
  readonly location: string;
  /** Top level first. */
  readonly levels: readonly LevelModel[];
  /** Normalised allow-list entries, sorted by pattern; hand them to the `AllowList` construct. */
  readonly allowEntries: readonly AllowEntry[];
  /** AKS settings of every level's cluster (`cluster:`, defaults filled in). */
  readonly cluster: ClusterOptions;
  /** Kubernetes workload settings (`workloads:`, defaults filled in). */
  readonly workloads: WorkloadOptions;
  /** Terraform settings (`terraform:`). */
  readonly terraform: TerraformOptions;
  /**
   * The Azure Firewall (config `firewall:`), with its planned subnet and IP. With it, the
   * top level leaves through the firewall (`userDefinedRouting`) and resolves through its
   * DNS proxy. @default undefined (no firewall: the top level keeps its own egress)
   */
  readonly firewall?: FirewallModel;
  /** Things worth a look that do not stop the run (merged duplicates, covered names). */
  readonly warnings: readonly ConfigIssue[];
}

/** Default config location, relative to the project root. */
export const DEFAULT_CONFIG_PATH = 'infra/egress.yaml';

/**
 * The config path every entry point uses: an explicit path, else `EGRESS_CONFIG`, else
 * `infra/egress.yaml`.
 */
export function resolveConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.EGRESS_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/**
 * Reads, validates and normalises a config file.
 * @throws ConfigError listing every problem (file, path, value, rule) when the file is invalid
 */
export function loadConfig(file: string): EgressModel {
  return parseConfig(readConfigText(file), file);
}

/** Reads the file as UTF-8, refusing anything but a regular file of at most MAX_CONFIG_BYTES (`/dev/zero` never ends). */
function readConfigText(file: string): string {
  const refuse = (rule: string): never => {
    throw new ConfigError([{ file, path: '', rule }]);
  };
  let fd: number;
  try {
    // Non-blocking: opening a named pipe must not hang waiting for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return refuse(`cannot read the config file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refuse('the config path is not a regular file (a folder, device or pipe)');
    if (stats.size > MAX_CONFIG_BYTES)
      return refuse(`the config file has ${stats.size} bytes; at most ${MAX_CONFIG_BYTES} (${MAX_CONFIG_BYTES / 1024 / 1024} MiB) are accepted`);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > MAX_CONFIG_BYTES) return refuse(`the config file is larger than ${MAX_CONFIG_BYTES} bytes (${MAX_CONFIG_BYTES / 1024 / 1024} MiB)`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      return refuse('the config file is not valid UTF-8 text');
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The checkable part of an allow-list entry the schema refused (reported there): its
 * domain and its valid ports, so the domain and port rules still report their problems.
 */
function salvageEntry(value: unknown): RawAllowEntry | undefined {
  const whole = allowEntrySchema(value, [], new IssueCollector(''));
  if (whole) return whole;
  if (!isRecord(value) || typeof own(value, 'domain') !== 'string') return undefined;
  const ports = own(value, 'ports');
  // A port list refused as a whole (too long) is not checked further: its problem is reported.
  const usable = Array.isArray(ports) && ports.length <= MAX_PORTS_PER_ENTRY;
  const valid = usable ? (ports as unknown[]).filter((p): p is number => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535) : [];
  const tlsInspection = own(value, 'tlsInspection');
  return {
    domain: own(value, 'domain') as string,
    ports: valid.length > 0 ? valid : undefined,
    purpose: undefined,
    tlsInspection: typeof tlsInspection === 'boolean' ? tlsInspection : undefined,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);

/**
 * Validates and normalises config text; `file` names it in messages. Every stage runs
 * on whatever the earlier stages found valid, so a single run reports every problem of
 * the file (YAML, schema, domains, ports, overlaps, reserved ranges, network rules), each
 * with its line.
 * @throws ConfigError listing every problem when the text is invalid
 */
export function parseConfig(text: string, file: string): EgressModel {
  const { data, locate } = readYaml(text, file);
  const errors = new IssueCollector(file, locate);
  const warnings = new IssueCollector(file, locate);

  const raw = configSchema(data, [], errors);
  // Salvage the parts that are valid on their own, so later stages still check them.
  const root = isRecord(data) ? data : Object.create(null);
  const scratch = () => new IssueCollector(file);
  const valid = <T>(field: Field<T>, value: unknown): T | undefined => (value === undefined || value === null ? undefined : field(value, [], scratch()));
  const items = <T>(field: Field<T>, value: unknown): Array<T | undefined> => (Array.isArray(value) ? value.map((v) => field(v, [], scratch())) : []);

  const name = raw?.name ?? valid(nameField, own(root, 'name'));
  const location = raw?.location ?? valid(locationField, own(root, 'location'));
  const rawLevels = raw?.levels ?? items(levelSchema, own(root, 'levels'));
  const rawEntries = raw?.allowList ?? (Array.isArray(own(root, 'allowList')) ? (own(root, 'allowList') as unknown[]).map(salvageEntry) : []);
  const clusterGiven = own(root, 'cluster');
  const rawCluster = raw ? raw.cluster : valid(clusterSchema, clusterGiven);
  const clusterValid = raw !== undefined || clusterGiven === undefined || clusterGiven === null || rawCluster !== undefined;

  const levels = planLevels(rawLevels, errors);
  // With an invalid location, '{region}' is filled with a stand-in so the rest of each domain is still checked.
  const allowEntries = buildAllowEntries(rawEntries, location ?? 'region', errors, warnings);
  const levelsComplete = levels.length > 0 && levels.length === rawLevels.length;
  const cluster = clusterOptions(clusterValid ? rawCluster : undefined);
  const rawFirewall = raw ? raw.firewall : valid(firewallSchema, own(root, 'firewall'));
  const rawHub = raw ? raw.hub : valid(hubSchema, own(root, 'hub'));
  // Planned once the levels are known (a hub too small or missing is reported below).
  const firewall: FirewallModel | undefined = levelsComplete ? buildFirewallModel(rawFirewall, rawHub, levels[0].addresses) : undefined;
  if (clusterValid) {
    checkClusterRanges(cluster, levels, errors);
    // The level rules need every level; the cluster's own rules do not. With a refused name or
    // location (reported already) stand-ins keep the other rules running, and the Azure-name
    // rules, which would only judge the stand-in, are left out.
    const ports = [...new Set(allowEntries.flatMap((e) => e.ports))].sort((a, b) => a - b);
    const standIn = name === undefined || location === undefined;
    const scope = { name: name ?? 'name', location: location ?? 'westeurope', levels: levelsComplete ? levels : [], cluster, firewall };
    for (const problem of networkProblems(scope, ports)) {
      if (standIn && problem.path[0] === 'levels' && problem.path[2] === 'name') continue;
      errors.add(problem.path, problem.rule, problem.value);
    }
  }
  // The deployment rules (VM size, versions, Envoy sizing) run on whatever workloads block is
  // valid on its own, so their problems are reported with everything else.
  const workloadsGiven = own(root, 'workloads');
  const rawWorkloads = raw ? raw.workloads : valid(workloadsSchema, workloadsGiven);
  const workloadsValid = raw !== undefined || workloadsGiven === undefined || workloadsGiven === null || rawWorkloads !== undefined;
  const workloads = workloadOptions(workloadsValid ? rawWorkloads : undefined);
  if (clusterValid && workloadsValid) {
    for (const p of deploymentProblems(cluster, workloads, rawLevels.length, rawFirewall !== undefined)) errors.add(p.path, p.rule, p.value);
  }
  if (clusterValid && workloadsValid) {
    const given = { firewall: rawFirewall, hub: rawHub, cluster: rawCluster, workloads: rawWorkloads };
    for (const p of firewallProblems(given, levelsComplete ? levels : [], allowEntries, cluster)) errors.add(p.path, p.rule, p.value);
  }
  if (clusterValid && cluster.privateCluster && location !== undefined) {
    for (const clash of privateClusterZoneClashes(privateClusterZone(location), allowEntries)) {
      errors.add(['allowList', clash.index, 'domain'], clash.rule, clash.pattern);
    }
  }
  for (const clash of forwardZoneClashes(rawWorkloads?.dnsmasq?.forwardZones ?? [], allowEntries)) {
    errors.add(['workloads', 'dnsmasq', 'forwardZones', clash.index], clash.rule, clash.zone);
  }
  if (!raw || !errors.empty) throw new ConfigError(byLine(errors.issues));
  warnUnpullableImages(levels, allowEntries, workloads, raw.location, warnings);

  return withFirewall(
    {
      file,
      name: raw.name,
      location: raw.location,
      levels,
      allowEntries,
      cluster,
      workloads,
      terraform: { backend: raw.terraform?.backend },
      warnings: byLine(warnings.issues),
    },
    firewall,
  );
}

/** Issues in file order (stable; issues without a line last). */
function byLine(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

const RESERVED_RANGES: ReadonlyArray<{ cidr: Cidr; why: string }> = AZURE_VNET_RESERVED_RANGES.map(({ cidr, why }) => ({
  cidr: (parseCidr(cidr) as { ok: true; value: Cidr }).value,
  why,
}));

function planLevels(rawLevels: ReadonlyArray<RawLevel | undefined>, errors: IssueCollector): LevelModel[] {
  const seen = new Map<string, number>();
  const spaces: Array<{ cidr: Cidr; index: number }> = [];
  rawLevels.forEach((level, index) => {
    if (level === undefined) return;
    const first = seen.get(level.name);
    if (first !== undefined) errors.add(['levels', index, 'name'], `level names must be unique (levels[${first}] has it too)`, level.name);
    else seen.set(level.name, index);

    const cidr = (parseCidr(level.addressSpace) as { ok: true; value: Cidr }).value;
    if (cidr.prefix < MIN_LEVEL_PREFIX || cidr.prefix > MAX_LEVEL_PREFIX) {
      errors.add(
        ['levels', index, 'addressSpace'],
        `must be a /${MIN_LEVEL_PREFIX} to /${MAX_LEVEL_PREFIX}: the smallest holds two /${MAX_SUBNET_PREFIX} subnets (Azure's smallest), one for the AKS nodes and one for the load balancers`,
        level.addressSpace,
      );
      return;
    }
    const reserved = RESERVED_RANGES.find((r) => cidrsOverlap(r.cidr, cidr));
    if (reserved) {
      errors.add(['levels', index, 'addressSpace'], `overlaps ${formatCidr(reserved.cidr)}, ${reserved.why}`, level.addressSpace);
      return;
    }
    spaces.push({ cidr, index });
  });
  for (const [a, b] of findOverlaps(spaces)) {
    const [first, second] = a.index < b.index ? [a, b] : [b, a];
    errors.add(
      ['levels', second.index, 'addressSpace'],
      `overlaps levels[${first.index}] (${rawLevels[first.index]!.name}, ${rawLevels[first.index]!.addressSpace}): peered VNETs need distinct address spaces`,
      rawLevels[second.index]!.addressSpace,
    );
  }
  // Overlaps and duplicate names are reported, but each level can still be planned and checked further.
  if (spaces.length !== rawLevels.length) return [];

  const all = rawLevels as readonly RawLevel[];
  return all.map((level, index) => {
    const overrides = addressOverridesOf(level);
    return {
      name: level.name,
      index,
      parent: index > 0 ? all[index - 1].name : undefined,
      child: index < all.length - 1 ? all[index + 1].name : undefined,
      addresses: planLevelAddresses((parseCidr(level.addressSpace) as { ok: true; value: Cidr }).value, overrides),
      ...(overrides ? { addressOverrides: overrides } : {}),
    };
  });
}

/** The address keys a level sets itself, or undefined when it sets none. */
function addressOverridesOf(level: RawLevel): AddressOverrides | undefined {
  const { nodeSubnet, loadBalancerSubnet, envoyIp, dnsIp } = level;
  const given = Object.entries({ nodeSubnet, loadBalancerSubnet, envoyIp, dnsIp }).filter(([, v]) => v !== undefined);
  return given.length > 0 ? (Object.fromEntries(given) as AddressOverrides) : undefined;
}

/** AKS's service and pod ranges live outside the VNET but must not shadow any level's addresses. */
function checkClusterRanges(cluster: ClusterOptions, levels: readonly LevelModel[], errors: IssueCollector): void {
  const service = (parseCidr(cluster.serviceCidr) as { ok: true; value: Cidr }).value;
  const ranges: Array<{ key: string; cidr: Cidr; value: string }> = [{ key: 'serviceCidr', cidr: service, value: cluster.serviceCidr }];
  if (cluster.networkPlugin !== 'azure') {
    ranges.push({ key: 'podCidr', cidr: (parseCidr(cluster.podCidr) as { ok: true; value: Cidr }).value, value: cluster.podCidr });
  }
  for (const range of ranges) {
    for (const level of levels) {
      const space = (parseCidr(level.addresses.addressSpace) as { ok: true; value: Cidr }).value;
      if (cidrsOverlap(range.cidr, space)) {
        errors.add(
          ['cluster', range.key],
          `overlaps level '${level.name}' (${level.addresses.addressSpace}): AKS would route those addresses inside the cluster`,
          range.value,
        );
      }
    }
  }
  if (ranges.length === 2 && cidrsOverlap(ranges[0].cidr, ranges[1].cidr)) {
    errors.add(['cluster', 'podCidr'], `overlaps cluster.serviceCidr (${cluster.serviceCidr})`, cluster.podCidr);
  }
  const dnsIp = parseIpv4(cluster.dnsServiceIp) as number;
  if (!cidrContains(service, dnsIp) || dnsIp === service.network) {
    errors.add(['cluster', 'dnsServiceIp'], `must be an address inside cluster.serviceCidr (${cluster.serviceCidr}), not its first`, cluster.dnsServiceIp);
  }
}

/**
 * Below the top level, nodes pull images through the proxy chain (no NSG opens a service
 * tag there), so each registry host must be on the allow-list (port 443). Warn early; the
 * checker proves it from the artifacts.
 */
function warnUnpullableImages(
  levels: readonly LevelModel[],
  entries: readonly AllowEntry[],
  workloads: WorkloadOptions,
  location: string,
  warnings: IssueCollector,
): void {
  const index = new AllowIndex(entries);
  // Envoy runs at every level; dnsmasq at every level with a level below it.
  const pulledBelowTop = [
    { component: 'envoy', image: workloads.envoy.image, needed: levels.length > 1 },
    { component: 'dnsmasq', image: workloads.dnsmasq.image, needed: levels.length > 2 },
  ];
  for (const { component, image, needed } of pulledBelowTop) {
    if (!needed) continue;
    const missing = registryEndpoints(registryOf(image), location).filter((ep) => !index.match(ep.host, 443));
    if (missing.length > 0) {
      warnings.add(
        ['workloads', component, 'image'],
        `levels below the top pull this image through the proxy chain, but the allow-list does not allow ${missing.map((m) => `'${m.host}'`).join(', ')} on port 443: add them or use a registry that is on the list`,
        image,
      );
    }
  }
}
