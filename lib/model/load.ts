import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { AllowEntry, AllowIndex, buildAllowEntries } from './allow-entries';
import { LevelAddressPlan, MAX_LEVEL_PREFIX, MIN_LEVEL_PREFIX, planLevelAddresses } from './address-plan';
import { configSchema, RawConfig } from './config';
import { Cidr, cidrContains, cidrsOverlap, findOverlaps, formatCidr, parseCidr, parseIpv4 } from './ipv4';
import { ConfigError, ConfigIssue, IssueCollector } from './issues';
import { clusterOptions, ClusterOptions, TerraformOptions, workloadOptions, WorkloadOptions } from './options';
import { deploymentProblems } from './deployment-rules';
import { buildFirewallModel, FirewallModel, withFirewall } from './firewall';
import { firewallProblems } from './firewall-rules';
import { registryEndpoints, registryOf } from './registries';

/** One network level, with its place in the chain and its planned addresses. */
export interface LevelModel {
  readonly name: string;
  /** 0 for the top (internet-facing) level, increasing downwards. */
  readonly index: number;
  /** The level above, whose proxy and DNS this level uses; undefined at the top. */
  readonly parent?: string;
  /** The level below, which uses this level's proxy and DNS; undefined at the bottom. */
  readonly child?: string;
  readonly addresses: LevelAddressPlan;
}

/** Everything the renderers and constructs need, validated and normalised once. */
export interface EgressModel {
  /** The config file the model was read from (as given). */
  readonly file: string;
  readonly name: string;
  readonly location: string;
  /** Top level first. */
  readonly levels: readonly LevelModel[];
  /** Normalised allow-list entries, sorted by pattern; hand them to the `AllowList` construct. */
  readonly allowEntries: readonly AllowEntry[];
  readonly cluster: ClusterOptions;
  readonly workloads: WorkloadOptions;
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

const ALIAS_HINT = " (a value starting with '*' must be quoted: \"*.b.com\")";

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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, path: '', rule: `cannot read the config file (${(e as NodeJS.ErrnoException).code ?? String(e)})` }]);
  }
  return parseConfig(text, file);
}

/**
 * Validates and normalises config text; `file` names it in messages.
 * @throws ConfigError listing every problem when the text is invalid
 */
export function parseConfig(text: string, file: string): EgressModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line,
        path: '',
        rule: `not valid YAML: ${e.message.split('\n')[0]}${/alias/i.test(e.message) ? ALIAS_HINT : ''}`,
      })),
    );
  }
  const locate = (path: readonly (string | number)[]): number | undefined => {
    // The line of the key (or list item) itself; a missing key points at its parent.
    for (let n = path.length; n > 0; n--) {
      const parent = doc.getIn(path.slice(0, n - 1), true);
      const last = path[n - 1];
      const node = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === last)?.key : isSeq(parent) ? parent.get(last as number, true) : undefined;
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const errors = new IssueCollector(file, locate);
  const warnings = new IssueCollector(file, locate);

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    let line: number | undefined;
    visit(doc, { Alias: (_, node) => { if (line === undefined && node.range) line = lineCounter.linePos(node.range[0]).line; } });
    throw new ConfigError([{ file, line, path: '', rule: `not valid YAML: ${(e as Error).message}${ALIAS_HINT}` }]);
  }
  const raw = configSchema(data, [], errors);
  if (!raw) throw new ConfigError(errors.issues);

  const levels = planLevels(raw, errors);
  const allowEntries = buildAllowEntries(raw.allowList, raw.location, errors, warnings);
  const cluster = clusterOptions(raw.cluster);
  checkClusterRanges(cluster, levels, errors);
  if (!errors.empty) throw new ConfigError(errors.issues);

  const workloads = workloadOptions(raw.workloads);
  for (const p of deploymentProblems(cluster, workloads, levels.length)) errors.add(p.path, p.rule, p.value);
  for (const p of firewallProblems(raw, levels, allowEntries, cluster)) errors.add(p.path, p.rule, p.value);
  if (!errors.empty) throw new ConfigError(errors.issues);
  const firewall = buildFirewallModel(raw.firewall, raw.hub, levels[0].addresses.addressSpace);
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
      warnings: warnings.issues,
    },
    firewall,
  );
}

/** Blocks Azure refuses in a VNET address space, or that would collide with Azure's own services. */
const RESERVED_RANGES: ReadonlyArray<{ cidr: Cidr; why: string }> = [
  ['0.0.0.0/8', 'the "this network" block'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (Azure metadata and DNS live there)'],
  ['168.63.129.16/32', "Azure's platform DNS and health-probe address"],
  ['224.0.0.0/3', 'multicast and reserved'],
].map(([c, why]) => ({ cidr: (parseCidr(c) as { ok: true; value: Cidr }).value, why }));

function planLevels(raw: RawConfig, errors: IssueCollector): LevelModel[] {
  const seen = new Map<string, number>();
  const spaces: Array<{ cidr: Cidr; index: number }> = [];
  raw.levels.forEach((level, index) => {
    const first = seen.get(level.name);
    if (first !== undefined) errors.add(['levels', index, 'name'], `level names must be unique (levels[${first}] has it too)`, level.name);
    else seen.set(level.name, index);

    const cidr = (parseCidr(level.addressSpace) as { ok: true; value: Cidr }).value;
    if (cidr.prefix < MIN_LEVEL_PREFIX || cidr.prefix > MAX_LEVEL_PREFIX) {
      errors.add(
        ['levels', index, 'addressSpace'],
        `must be a /${MIN_LEVEL_PREFIX} to /${MAX_LEVEL_PREFIX}: the plan puts the nodes in the first quarter and the load balancers in a /24 of the second`,
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
      `overlaps levels[${first.index}] (${raw.levels[first.index].name}, ${raw.levels[first.index].addressSpace}): peered VNETs need distinct address spaces`,
      raw.levels[second.index].addressSpace,
    );
  }
  if (!errors.empty) return [];

  return raw.levels.map((level, index) => ({
    name: level.name,
    index,
    parent: index > 0 ? raw.levels[index - 1].name : undefined,
    child: index < raw.levels.length - 1 ? raw.levels[index + 1].name : undefined,
    addresses: planLevelAddresses((parseCidr(level.addressSpace) as { ok: true; value: Cidr }).value),
  }));
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
        errors.add(['cluster', range.key], `overlaps level '${level.name}' (${level.addresses.addressSpace}): AKS would route those addresses inside the cluster`, range.value);
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
