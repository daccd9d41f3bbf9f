import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList, EgressModel, LevelModel } from '../model';
import { COREDNS_OVERRIDE_KEY, renderCorednsOverride } from '../render/coredns-override';
import { assertConfigMapSize, commonLabels } from './common';
import { ENVOY } from './envoy-chart';

/** The AKS CoreDNS customization object. */
export const COREDNS = { configMap: 'coredns-custom', namespace: 'kube-system', key: COREDNS_OVERRIDE_KEY } as const;

/**
 * Props of {@link CorednsChart}. Subject to change: today the whole config model; later only what the
 * construct needs (the allow-list, the level's planned addresses, its options).
 * @experimental
 */
export interface CorednsChartProps {
  readonly model: EgressModel;
  readonly level: LevelModel;
}

/**
 * `coredns-custom` in `kube-system` with one `.override` key: every allowed name is
 * rewritten to the Envoy Service's cluster name. AKS imports it into the default server
 * block; restart CoreDNS after a change (`kubectl -n kube-system rollout restart
 * deployment coredns`).
 */
export class CorednsChart extends Chart {
  /** The rendered snippet. */
  public readonly override: string;

  constructor(scope: Construct, id: string, props: CorednsChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { model, level } = props;
    this.override = renderCorednsOverride({ entries: AllowList.of(this).entries, service: ENVOY.name, namespace: model.workloads.namespace });
    const data = { [COREDNS.key]: this.override };
    assertConfigMapSize(level.name, COREDNS.namespace, COREDNS.configMap, data);
    new k8s.KubeConfigMap(this, 'coredns-custom', {
      metadata: { name: COREDNS.configMap, namespace: COREDNS.namespace, labels: commonLabels(level, 'coredns-custom', 'dns-rewrite') },
      data,
    });
  }
}
