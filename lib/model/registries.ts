/**
 * Container registries as data: which hosts a pull contacts, and which Azure service tags
 * cover them. Used by the model (to warn when the allow-list cannot serve the configured
 * images) and by the verifier (to prove it from the artifacts).
 */

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
    return [{ host: 'mcr.microsoft.com', tags }, { host: `${location}.data.mcr.microsoft.com`, tags }];
  }
  if (registry === 'docker.io') return ['registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'].map((host) => ({ host, tags: [] }));
  if (registry === 'ghcr.io') return ['ghcr.io', 'pkg-containers.githubusercontent.com'].map((host) => ({ host, tags: [] }));
  if (registry.endsWith('.azurecr.io')) return [{ host: registry, tags: ['AzureContainerRegistry'] }];
  return [{ host: registry, tags: [] }];
}
