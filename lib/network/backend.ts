import { AzurermBackend, TerraformStack } from 'cdktf';
import { BackendConfig } from '../model';

/** Blob key of a stack's state in the azurerm backend: `<keyPrefix>/<stack>.tfstate`. */
export function stateKey(backend: Pick<BackendConfig, 'keyPrefix'>, defaultPrefix: string, stackName: string): string {
  return `${backend.keyPrefix ?? defaultPrefix}/${stackName}.tfstate`;
}

/**
 * Configures the stack's state: the azurerm backend (one blob per stack) when the config
 * has `terraform.backend`, else cdktf's default local state file in the stack folder.
 */
export function configureBackend(stack: TerraformStack, backend: BackendConfig | undefined, defaultPrefix: string): void {
  if (!backend) return;
  new AzurermBackend(stack, {
    resourceGroupName: backend.resourceGroupName,
    storageAccountName: backend.storageAccountName,
    containerName: backend.containerName,
    key: stateKey(backend, defaultPrefix, stack.node.id),
    subscriptionId: backend.subscriptionId,
    tenantId: backend.tenantId,
    clientId: backend.clientId,
    useOidc: backend.useOidc,
    useMsi: backend.useMsi,
    useAzureadAuth: backend.useAzureadAuth,
  });
}
