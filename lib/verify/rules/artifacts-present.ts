import { resultOf } from '../types';
import { mainEnvoy } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'artifacts-present';

/** Every level has its Terraform stack, VNET, manifests, Envoy config and Service, CoreDNS custom config, and (when a level below uses it) a dnsmasq config. */
export const artifactsPresent: Rule = {
  id: ID,
  layer: 'artifacts',
  description:
    'Every level has its Terraform stack and VNET, its manifests (all listed in kustomization.yaml), an Envoy config with a LoadBalancer Service, coredns-custom, and a dnsmasq config when a level below uses it.',
  evaluate(ctx: CheckContext) {
    const { artifacts } = ctx.world;
    const out = artifacts.errors.map((e) => finding(ID, 'artifacts', '-', e.message, { source: { file: e.file, object: '(file)' } }));
    for (const lw of levelsOf(ctx)) {
      const level = lw.level.name;
      const missing = (what: string, where: string) =>
        out.push(finding(ID, 'artifacts', level, `missing ${what}`, { source: { file: where, object: '(missing)' } }));
      const stackFile = `${artifacts.cdktfOut}/stacks/${level}/cdk.tf.json`;
      const dir = `${artifacts.manifestsOut}/${level}`;
      if (!lw.hasStack) missing('Terraform stack', stackFile);
      else if (!lw.vnet) missing('azurerm_virtual_network', stackFile);
      else if (!lw.nodeSubnet) missing('node subnet (azurerm_subnet)', stackFile);
      if (!lw.hasManifests) {
        missing('manifests folder', dir);
        continue;
      }
      const m = artifacts.manifests.get(level)!;
      for (const e of m.errors) out.push(finding(ID, 'artifacts', level, `unreadable YAML: ${e}`, { source: { file: dir, object: '(file)' } }));
      for (const f of m.missing)
        out.push(finding(ID, 'artifacts', level, 'kustomization.yaml lists a file that does not exist', { source: { file: f, object: '(missing)' } }));
      for (const f of m.unlisted)
        out.push(
          finding(ID, 'artifacts', level, 'file is not listed in kustomization.yaml, so GitOps never applies it', {
            source: { file: f, object: '(file)' },
            severity: 'warning',
          }),
        );
      const envoy = mainEnvoy(lw);
      if (!envoy) missing("ConfigMap with key 'envoy.yaml'", dir);
      else {
        if (envoy.workloads.length === 0)
          out.push(
            finding(ID, 'artifacts', level, 'no workload mounts the Envoy ConfigMap', {
              source: { file: envoy.configMap.file, object: `ConfigMap ${envoy.configMap.namespace}/${envoy.configMap.name}` },
            }),
          );
        else if (!envoy.services.some((s) => s.type === 'LoadBalancer')) missing('LoadBalancer Service selecting the Envoy workload', dir);
      }
      if (!lw.coredns) missing('ConfigMap kube-system/coredns-custom', dir);
      if (lw.level.child && lw.dnsmasq.length === 0) missing(`ConfigMap with key 'dnsmasq.conf' (the nodes of ${lw.level.child} resolve through it)`, dir);
    }
    return resultOf(out);
  },
};
