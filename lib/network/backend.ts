import { AzurermBackend, LocalBackend, TerraformStack } from 'cdktf';
import { BackendConfig } from '../model';

/** Blob key of a stack's state in the azurerm backend: `<keyPrefix>/<stack>.tfstate`. */
export function stateKey(backend: Pick<BackendConfig, 'keyPrefix'>, defaultPrefix: string, stackName: string): string {
  return `${backend.keyPrefix ?? defaultPrefix}/${stackName}.tfstate`;
}

/**
 * Local state file of a stack, relative to the folder Terraform runs in
 * (`cdktf.out/stacks/<stack>/`): `terraform.<stack>.tfstate` in the project root, where
 * cdktf keeps it by default, so deleting `cdktf.out/` never loses state. cdktf's own
 * default bakes the absolute working directory into `cdk.tf.json`, which would make the
 * output depend on where synth ran.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

/**
 * Configures the stack's state: the azurerm backend (one blob per stack) when the config
 * has `terraform.backend`, else a local state file ({@link localStatePath}).
 */
export function configureBackend(stack: TerraformStack, backend: BackendConfig | undefined, defaultPrefix: string): void {
  if (!backend) {
    new LocalBackend(stack, { path: localStatePath(stack.node.id) });
    return;
  }
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
