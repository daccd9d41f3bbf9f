import { App, Yaml } from 'cdk8s';
import { EgressModel } from '../model';
import { buildKubernetesApp } from '../workloads/app';

/** File name of the kustomization GitOps tools read in each level folder. */
export const KUSTOMIZATION = 'kustomization.yaml';

/**
 * Synthesizes every level's manifests in memory: `<level>/<chart>.yaml` per chart plus a
 * `<level>/kustomization.yaml` listing every file of the folder. Paths are relative to
 * the manifests folder.
 */
export function synthManifests(model: EgressModel): Map<string, string> {
  const app = new App({ outdir: 'manifests' });
  const files = new Map<string, string>();
  for (const level of buildKubernetesApp(app, model)) {
    const names: string[] = [];
    for (const chart of level.charts) {
      const name = `${chart.node.id}.yaml`;
      files.set(`${level.level.name}/${name}`, Yaml.stringify(...chart.toJson()));
      names.push(name);
    }
    files.set(`${level.level.name}/${KUSTOMIZATION}`, kustomization(names));
  }
  return files;
}

function kustomization(resources: readonly string[]): string {
  return Yaml.stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  });
}
