/**
 * The props every level chart shares, and their check: a chart built alone (without
 * `loadConfig`) accepts nothing the config file would refuse, with one error listing
 * every problem.
 */
import { clusterOptions, ContainerResources, workloadOptions, WorkloadOptions, workloadsSchema } from '../model';
import { deploymentProblems } from '../model/deployment-rules';
import { PropsCheck } from '../model/props-check';

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

/**
 * The checks of a level chart's props: the level name and the workload options (the
 * config file's schema and its Envoy sizing rule), plus whatever each chart adds.
 */
export class LevelChartCheck extends PropsCheck {
  /** The normalised workload settings (defaults filled in); the defaults while the input is invalid. */
  public readonly options: WorkloadOptions;

  constructor(kind: string, id: string, props: LevelChartProps) {
    super(kind, id);
    this.levelName(['level'], props.level);
    this.options = this.workloadOptions(props.options);
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
