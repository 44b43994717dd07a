import type { LinkApiAccess } from './link-api-access.ts';

/** The header an administrator sends to {@link testAccess}. */
export const ADMIN_AUTHORIZATION = 'Bearer admin';

/**
 * The links API's access for unit tests: `Bearer admin` is an administrator, `Bearer reader` a principal
 * that is not, anything else is no valid token. The deployment's real one checks signed tokens (cli).
 */
export const testAccess: LinkApiAccess = {
  challenge: 'Bearer authorization="test"',
  async decide(authorization) {
    if (authorization === ADMIN_AUTHORIZATION) return { allowed: true };
    if (authorization === 'Bearer reader') {
      return { allowed: false, status: 403, reason: 'Principal reader is not an administrator.' };
    }
    return { allowed: false, status: 401, reason: 'A valid bearer token of an administrator is required.' };
  },
};
