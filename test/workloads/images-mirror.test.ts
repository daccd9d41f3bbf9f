/**
 * Default images and where they come from: the mirror setting rewrites both default
 * images to the mirror under their original repository paths, an explicit image wins,
 * and the image hosts of each registry are data the synth warning and `check` share.
 */
import { formatIssue, parseConfig } from '../../lib/model';
import { DEFAULT_DNSMASQ_IMAGE, DEFAULT_ENVOY_IMAGE, mirroredImage } from '../../lib/model/options';
import { registryEndpoints, registryOf } from '../../lib/model/registries';
import { synthManifests } from '../../lib/synth/manifests';
import { BASE } from '../support/configs';
import { parseManifest } from '../support/kubernetes-validator';

const THREE = BASE.replace('allowList:', '  - name: l2\n    addressSpace: 172.20.0.0/16\nallowList:');
const imagesOf = (text: string): string[] => {
  const files = synthManifests(parseConfig(text, 'egress.yaml'));
  return [...files.values()]
    .flatMap((f) => parseManifest(f))
    .filter((o: any) => o.kind === 'Deployment')
    .map((o: any) => o.spec.template.spec.containers[0].image);
};

test('the mirror keeps the repository path', () => {
  expect(mirroredImage(DEFAULT_ENVOY_IMAGE, 'myacr.azurecr.io')).toBe('myacr.azurecr.io/envoyproxy/envoy:distroless-v1.39.1');
  expect(mirroredImage(DEFAULT_DNSMASQ_IMAGE, 'myacr.azurecr.io')).toBe('myacr.azurecr.io/dns/k8s-dns-dnsmasq-nanny:1.26.4');
});

test('imageRegistryMirror rewrites both default images in every Deployment; an explicit image wins', () => {
  const mirrored = `${THREE}workloads:\n  imageRegistryMirror: myacr.azurecr.io\n`;
  expect([...new Set(imagesOf(mirrored))].sort()).toEqual([
    'myacr.azurecr.io/dns/k8s-dns-dnsmasq-nanny:1.26.4',
    'myacr.azurecr.io/envoyproxy/envoy:distroless-v1.39.1',
  ]);
  const explicit = `${THREE}workloads:\n  imageRegistryMirror: myacr.azurecr.io\n  envoy:\n    image: other.azurecr.io/envoy:v1\n`;
  expect([...new Set(imagesOf(explicit))].sort()).toEqual(['myacr.azurecr.io/dns/k8s-dns-dnsmasq-nanny:1.26.4', 'other.azurecr.io/envoy:v1']);
});

test('a mirror whose hosts are not on the list is warned about, naming its data endpoint; listing them silences it', () => {
  const unlisted = parseConfig(`${THREE}workloads:\n  imageRegistryMirror: myacr.azurecr.io\n`, 'egress.yaml');
  expect(unlisted.warnings.map(formatIssue)).toEqual([
    expect.stringContaining(
      `workloads.envoy.image "myacr.azurecr.io/envoyproxy/envoy:distroless-v1.39.1": levels below the top pull this image through the proxy chain, but the allow-list does not allow 'myacr.azurecr.io', 'myacr.westeurope.data.azurecr.io'`,
    ),
    expect.stringContaining(`workloads.dnsmasq.image "myacr.azurecr.io/dns/k8s-dns-dnsmasq-nanny:1.26.4"`),
  ]);
  const listed = parseConfig(
    `${THREE.replace('allowList:\n', 'allowList:\n  - domain: myacr.azurecr.io\n  - domain: myacr.westeurope.data.azurecr.io\n')}workloads:\n  imageRegistryMirror: myacr.azurecr.io\n`,
    'egress.yaml',
  );
  expect(listed.warnings).toEqual([]);
});

test('a mirror must be a bare registry host', () => {
  expect(() => parseConfig(`${THREE}workloads:\n  imageRegistryMirror: https://myacr.azurecr.io/x\n`, 'egress.yaml')).toThrow(
    /imageRegistryMirror "https:\/\/myacr\.azurecr\.io\/x": must be a registry host name/,
  );
});

test('registry hosts: Docker Hub anonymous layers come from Cloudflare R2; registry.k8s.io redirects to *.pkg.dev; ACR data endpoints', () => {
  expect(registryEndpoints(registryOf(DEFAULT_ENVOY_IMAGE)).map((e) => e.host)).toContain(
    'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
  );
  expect(registryEndpoints(registryOf(DEFAULT_DNSMASQ_IMAGE)).map((e) => e.host)).toEqual(['registry.k8s.io', expect.stringMatching(/\.pkg\.dev$/)]);
  expect(registryEndpoints('myacr.azurecr.io', 'northeurope').map((e) => e.host)).toEqual(['myacr.azurecr.io', 'myacr.northeurope.data.azurecr.io']);
});

test('the default list carries every host of the default images (no warning)', () => {
  const { loadConfig } = require('../../lib/model');
  expect(loadConfig('infra/egress.yaml').warnings.filter((w: any) => /image/.test(w.path))).toEqual([]);
});
