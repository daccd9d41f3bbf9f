import { Chart } from 'cdk8s';
import { Namespace } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EgressModel, LevelModel } from '../model';

/**
 * Props of {@link NamespaceChart}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface NamespaceChartProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/**
 * The namespace holding a level's egress components (`workloads.namespace`, default
 * `egress`), labelled with the level so policies and dashboards can select it.
 */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new Namespace(this, 'namespace', {
      metadata: {
        name: props.model.workloads.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'layered-egress',
          'layered-egress/level': props.level.name,
          // Restricted Pod Security Standard: every egress pod runs non-root with a read-only root
          // filesystem. The top level's hostNetwork option needs 'privileged' (warned as restricted).
          ...(props.level.parent === undefined && props.model.workloads.envoy.hostNetwork
            ? { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' }
            : { 'pod-security.kubernetes.io/enforce': 'restricted' }),
        },
      },
    });
  }
}
