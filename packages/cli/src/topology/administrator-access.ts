import { Authorizer, ensureSigningKey, TokenAuthenticator, TokenVerifier } from '@vaultover/auth';
import type { LinkApiAccess } from '@vaultover/link-proxy';
import { UnauthorizedError } from '@vaultover/vault/errors';
import type { VaultoverConfig } from '../config/index.ts';

/**
 * The replication links' API access: the bearer token of an administrator of the deployment, the same
 * check as the control API's, against the deployment's signing key in the data directory.
 */
export async function administratorAccess(
  config: Pick<VaultoverConfig, 'dataDir' | 'principals' | 'tenantId'>,
): Promise<LinkApiAccess> {
  const authorizer = new Authorizer(config.principals);
  const authenticator = new TokenAuthenticator(
    new TokenVerifier({
      signingKey: await ensureSigningKey(config.dataDir),
      knownPrincipals: () => authorizer.names(),
    }),
    config.tenantId,
  );
  return {
    challenge: authenticator.challenge,
    async decide(authorization) {
      let principal: string;
      try {
        principal = await authenticator.authenticate(authorization);
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        return { allowed: false, status: 401, reason: error.message };
      }
      if (authorizer.isAdministrator(principal)) return { allowed: true };
      return {
        allowed: false,
        status: 403,
        reason: `Principal ${principal} is not an administrator; the links API needs one.`,
      };
    },
  };
}
