/**
 * The props every level chart shares, and their check. A value handed to a chart ends up
 * in a Corefile, a dnsmasq.conf, an Envoy bootstrap or a Kubernetes object, so a chart
 * built alone (without `loadConfig`) accepts nothing the config file would refuse: the
 * same schema, the same rules, one error listing every problem.
 */
import { clusterOptions, ConfigError, ContainerResources, IssueCollector, LEVEL_NAME_PATTERN, LOCATION_PATTERN, parseCidr, parseIpv4, workloadOptions, WorkloadOptions, workloadsSchema } from '../model';
import { deploymentProblems } from '../model/deployment-rules';

/**
 * Workload settings as the config file's `workloads:` section takes them: every key
 * optional, each with the config file's default, each checked by the config file's rules
 * (docs/network.md, "Config reference"). The `workloads` of a loaded config fits as it is.
 */
export interface WorkloadOptionsInput {
  /** Namespace of the egress components. @default 'egress' */
  readonly namespace?: string;
  /** Registry holding copies of the default images (see `WorkloadOptions.imageRegistryMirror`). @default undefined (no mirror) */
  readonly imageRegistryMirror?: string;
  /** Envoy settings (`workloads.envoy`). @default every key at its config-file default */
  readonly envoy?: Partial<Omit<WorkloadOptions['envoy'], 'resources'>> & { readonly resources?: Partial<ContainerResources> };
  /** dnsmasq settings (`workloads.dnsmasq`). @default every key at its config-file default */
  readonly dnsmasq?: Partial<WorkloadOptions['dnsmasq']>;
}

/** What every level chart needs: the level it belongs to and the workload settings. */
export interface LevelChartProps {
  /** The level's name: a label on every object (`layered-egress/level`), and named in messages. Checked like a config file's level name. */
  readonly level: string;
  /** The workload settings. @default every key at its config-file default (namespace `egress`) */
  readonly options?: WorkloadOptionsInput;
}

/** The rule of an Azure subnet name (1-80 characters: letters, digits, '_', '.', '-'; starts alphanumeric, ends alphanumeric or '_'). */
const SUBNET_NAME = /^[A-Za-z0-9](?:[\w.-]{0,78}\w)?$/;

/**
 * Collects every problem of one chart's props, then {@link PropsCheck.done} throws them
 * all at once as a ConfigError whose "file" is the chart (`EnvoyChart 'envoy'`).
 */
export class PropsCheck {
  private readonly issues: IssueCollector;
  /** The normalised workload settings (defaults filled in); the defaults while the input is invalid. */
  public readonly options: WorkloadOptions;

  constructor(kind: string, id: string, props: LevelChartProps) {
    this.issues = new IssueCollector(`${kind} '${id}'`);
    if (typeof props.level !== 'string' || !LEVEL_NAME_PATTERN.test(props.level)) {
      this.issues.add(['level'], "must be 1-16 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'", props.level);
    }
    this.options = this.workloadOptions(props.options);
  }

  /** `value` must be a dotted-quad IPv4 address. */
  public ip(path: readonly (string | number)[], value: unknown): this {
    if (typeof value !== 'string' || parseIpv4(value) === undefined) this.issues.add(path, 'must be an IPv4 address such as 10.1.64.4', value);
    return this;
  }

  /** `value` must be an IPv4 network in CIDR form. */
  public cidr(path: readonly (string | number)[], value: unknown): this {
    const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
    if (!parsed?.ok) this.issues.add(path, parsed && !parsed.ok ? parsed.rule : 'must be an IPv4 CIDR such as 172.16.0.0/16', value);
    return this;
  }

  /** `value` must be a list of IPv4 networks in CIDR form. */
  public cidrs(path: readonly (string | number)[], value: unknown): this {
    if (!Array.isArray(value)) this.issues.add(path, 'must be a list of IPv4 CIDRs', value);
    else value.forEach((cidr, i) => this.cidr([...path, i], cidr));
    return this;
  }

  /** `value` must be an Azure subnet name (it becomes a load balancer annotation). */
  public subnetName(path: readonly (string | number)[], value: unknown): this {
    if (typeof value !== 'string' || !SUBNET_NAME.test(value)) this.issues.add(path, "must be an Azure subnet name (1-80 characters of letters, digits, '_', '.' and '-')", value);
    return this;
  }

  /** `value` must be an Azure region name. */
  public location(path: readonly (string | number)[], value: unknown): this {
    if (typeof value !== 'string' || !LOCATION_PATTERN.test(value)) this.issues.add(path, "must be an Azure region name such as 'westeurope' (lowercase letters and digits)", value);
    return this;
  }

  /** @throws ConfigError listing every problem found */
  public done(): void {
    if (!this.issues.empty) throw new ConfigError(this.issues.issues);
  }

  /** The config file's schema and its workload deployment rules (the Envoy connection cap must fit its memory). */
  private workloadOptions(input: WorkloadOptionsInput | undefined): WorkloadOptions {
    if (input === undefined) return workloadOptions(undefined);
    const raw = workloadsSchema(input, ['options'], this.issues);
    const options = workloadOptions(raw);
    if (raw) {
      for (const p of deploymentProblems(clusterOptions(undefined), options, 1)) {
        if (p.path[0] === 'workloads') this.issues.add(['options', ...p.path.slice(1)], p.rule, p.value);
      }
    }
    return options;
  }
}
