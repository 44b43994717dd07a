import { type Operation, VaultError } from '@vaultover/vault';

// Errors Azure Resource Manager itself answers with (before the Key Vault provider sees the request).
// Codes and wording follow ARM's responses as seen in public issue threads and SDK recordings.

/** Sent with ARM's 401s, as ARM does (it is not the Key Vault data plane's challenge). */
export function armChallenge(description: string): string {
  return `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"`;
}

export function authenticationMissing(): VaultError {
  return new VaultError(
    401,
    'AuthenticationFailed',
    "Authentication failed. The 'Authorization' header is missing.",
  );
}

export function invalidAuthenticationToken(detail: string): VaultError {
  return new VaultError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${detail}`.trim());
}

/**
 * 403 in ARM's words. When the role allows the action but a special permission (recover, purge,
 * listDeleted) is missing, a second sentence says so: Vaultover's principals carry those separately.
 */
export function authorizationFailed(
  principal: string,
  operation: Operation,
  scope: string,
  missingSpecial: boolean,
): VaultError {
  const special = missingSpecial
    ? ` The operation also needs the special permission '${operation.special}', which the client does not have.`
    : '';
  return new VaultError(
    403,
    'AuthorizationFailed',
    `The client '${principal}' with object id '${principal}' does not have authorization to perform action ` +
      `'${operation.action}' over scope '${scope}' or the scope is invalid. If access was recently granted, ` +
      `please refresh your credentials.${special}`,
  );
}

export function invalidSubscriptionId(subscriptionId: string): VaultError {
  return new VaultError(
    400,
    'InvalidSubscriptionId',
    `The provided subscription identifier '${subscriptionId.slice(0, 60)}' is malformed or invalid.`,
  );
}

export function resourceGroupNotFound(resourceGroup: string): VaultError {
  return new VaultError(
    404,
    'ResourceGroupNotFound',
    `Resource group '${resourceGroup.slice(0, 100)}' could not be found.`,
  );
}

/** Unknown paths under `/subscriptions` (ARM's wording for a type the provider does not have). */
export function invalidResourceType(path: string): VaultError {
  return new VaultError(
    404,
    'InvalidResourceType',
    `The resource type of '${path.slice(0, 200)}' could not be found in the namespace 'Microsoft.KeyVault'.`,
  );
}

export function invalidQueryParameter(name: string, detail: string): VaultError {
  return new VaultError(400, 'BadRequest', `The query parameter '${name}' is not valid: ${detail}`);
}
