/** `iss` of every Vaultover token. */
export const TOKEN_ISSUER = 'vaultover';

/**
 * `aud` of every Vaultover token: the resource the Key Vault SDK asks a credential for
 * (scope `https://vault.azure.net/.default`), as named in our challenge.
 */
export const TOKEN_AUDIENCE = 'https://vault.azure.net';

/** The only signing algorithm issued or accepted. */
export const TOKEN_ALGORITHM = 'HS256';
