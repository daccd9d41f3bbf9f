import { Chart } from 'cdk8s';
import { Namespace } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LevelChartCheck, LevelChartProps } from './props';

/** Props of {@link NamespaceChart}. */
export interface NamespaceChartProps extends LevelChartProps {
  /**
   * Enforce the 'privileged' Pod Security Standard (warning on 'restricted') instead of
   * enforcing 'restricted': the top level's Envoy needs it with `envoy.hostNetwork`.
   * @default false
   */
  readonly privileged?: boolean;
}

/**
 * The namespace holding a level's egress components (`options.namespace`, default
 * `egress`), labelled with the level so policies and dashboards can select it.
 */
export class NamespaceChart extends Chart {
  /** @throws ConfigError listing every prop the config file's rules refuse */
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    const check = new LevelChartCheck('NamespaceChart', id, props);
    check.done();
    super(scope, id, { disableResourceNameHashes: true });
    new Namespace(this, 'namespace', {
      metadata: {
        name: check.options.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'layered-egress',
          'layered-egress/level': props.level,
          // Restricted Pod Security Standard: every egress pod runs non-root with a read-only root
          // filesystem. The top level's hostNetwork option needs 'privileged' (warned as restricted).
          ...(props.privileged === true
            ? { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' }
            : { 'pod-security.kubernetes.io/enforce': 'restricted' }),
        },
      },
    });
  }
}
