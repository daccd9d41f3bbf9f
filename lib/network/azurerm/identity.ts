/** Managed identities and role assignments, imported by deep path (see core.ts). */
export { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
export { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
