import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AllowList } from '../model';
import { COREDNS_OVERRIDE_KEY, renderCorednsOverride } from '../render/coredns-override';
import { assertConfigMapSize, commonLabels } from './common';
import { ENVOY } from './envoy-chart';
import { LevelChartCheck, LevelChartProps } from './props';

/** The AKS CoreDNS customization object. */
export const COREDNS = { configMap: 'coredns-custom', namespace: 'kube-system', key: COREDNS_OVERRIDE_KEY } as const;

/**
 * Props of {@link CorednsChart}: the allow-list comes from `AllowList.of(chart)`; the
 * rewrites point at the Envoy Service in `options.namespace`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its own name in the public API, so CoreDNS-only props can come later without a breaking change
export interface CorednsChartProps extends LevelChartProps {}

/**
 * `coredns-custom` in `kube-system` with one `.override` key: every allowed name is
 * rewritten to the Envoy Service's cluster name. AKS imports it into the default server
 * block; restart CoreDNS after a change (`kubectl -n kube-system rollout restart
 * deployment coredns`).
 */
export class CorednsChart extends Chart {
  /** The rendered snippet. */
  public readonly override: string;

  /** @throws ConfigError listing every prop the config file's rules refuse */
  constructor(scope: Construct, id: string, props: CorednsChartProps) {
    const check = new LevelChartCheck('CorednsChart', id, props);
    check.done();
    super(scope, id, { disableResourceNameHashes: true });
    this.override = renderCorednsOverride({ entries: AllowList.of(this).entries, service: ENVOY.name, namespace: check.options.namespace });
    const data = { [COREDNS.key]: this.override };
    assertConfigMapSize(props.level, COREDNS.namespace, COREDNS.configMap, data);
    new k8s.KubeConfigMap(this, 'coredns-custom', {
      metadata: { name: COREDNS.configMap, namespace: COREDNS.namespace, labels: commonLabels(props.level, 'coredns-custom', 'dns-rewrite') },
      data,
    });
  }
}
