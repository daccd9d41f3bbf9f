/**
 * Container registries as data: which hosts a pull contacts, and which Azure service tags
 * cover them. Used by the model (to warn when the allow-list cannot serve the configured
 * images) and by the verifier (to prove it from the artifacts).
 */

/**
 * Hosts an anonymous Docker Hub pull contacts (Docker's "Allowlist for Docker Desktop"):
 * the registry, the token service, and the layer hosts: a Cloudflare R2 bucket for
 * anonymous and Personal-plan pulls, `production.cloudflare.docker.com` for the others.
 */
export const DOCKER_HUB_HOSTS: readonly string[] = [
  'registry-1.docker.io',
  'auth.docker.io',
  'production.cloudflare.docker.com',
  'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
];
/** One of the regional Artifact Registry hosts registry.k8s.io redirects layer downloads to (any `*.pkg.dev` host). */
export const REGISTRY_K8S_IO_LAYER_HOST_EXAMPLE = 'europe-west4-docker.pkg.dev';

/** One host an image pull contacts, with the NSG service tags that cover it (if any). */
export interface RegistryEndpoint {
  readonly host: string;
  readonly tags: readonly string[];
}

/** The registry host of an image reference (Docker's rules: no dot, colon or `localhost` in the first part means Docker Hub). */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first.replace(/:\d+$/, '').toLowerCase();
  return 'docker.io';
}

/** Hosts a pull from `registry` contacts (the registry plus its documented data endpoints), with the service tags that cover them. */
export function registryEndpoints(registry: string, location = 'westeurope'): RegistryEndpoint[] {
  if (registry === 'mcr.microsoft.com') {
    const tags = ['MicrosoftContainerRegistry', 'AzureFrontDoor.FirstParty'];
    return [
      { host: 'mcr.microsoft.com', tags },
      { host: `${location}.data.mcr.microsoft.com`, tags },
    ];
  }
  if (registry === 'docker.io') return DOCKER_HUB_HOSTS.map((host) => ({ host, tags: [] }));
  // registry.k8s.io redirects layer downloads to a cloud bucket near the client: Google
  // Artifact Registry (`<region>-docker.pkg.dev`) outside AWS, so `*.pkg.dev` must be listed.
  if (registry === 'registry.k8s.io')
    return [
      { host: 'registry.k8s.io', tags: [] },
      { host: REGISTRY_K8S_IO_LAYER_HOST_EXAMPLE, tags: [] },
    ];
  if (registry === 'ghcr.io') return ['ghcr.io', 'pkg-containers.githubusercontent.com'].map((host) => ({ host, tags: [] }));
  if (registry.endsWith('.azurecr.io')) {
    // With dedicated data endpoints (the firewall-friendly setting), layers come from
    // `<name>.<region>.data.azurecr.io` ("Configure rules to access an Azure container registry behind a firewall").
    const name = registry.slice(0, -'.azurecr.io'.length);
    return [registry, `${name}.${location}.data.azurecr.io`].map((host) => ({ host, tags: ['AzureContainerRegistry'] }));
  }
  return [{ host: registry, tags: [] }];
}
