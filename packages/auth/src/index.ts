// Who a request is from and what it may do: bearer tokens (issued, verified, cached), the credential
// clients use, principals and roles, and the authorizer. Without the vault's store or an HTTP stack; a
// client that only needs tokens (the CLI's client commands) imports `@vaultover/auth/tokens`, lighter still.
export { type AccessContext, Authorizer } from './access/authorizer.ts';
export {
  DEFAULT_PRINCIPALS,
  type Principal,
  principalSchema,
  principalsSchema,
} from './access/principals.ts';
export { ROLE_NAMES, ROLES, type RoleName } from './access/roles.ts';
export { type Authenticator, TokenAuthenticator } from './token-authenticator.ts';
export * from './tokens/index.ts';
