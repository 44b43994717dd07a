import { type AttestationAuthority, JWKS_PATH, OPENID_CONFIGURATION_PATH } from '@vaultover/auth/attestation';
import type { InfraRoute } from './http/app.ts';
import { requestOrigin } from './http/request-origin.ts';
import { sendJson } from './http/send-json.ts';

/**
 * The deployment's attestation authority as relying parties find it (docs/vault-api.md#secure-key-release):
 * OpenID discovery and the JWKS, unauthenticated as Microsoft Azure Attestation serves them. The issuer is
 * the origin the caller reached, so through the global endpoint it is the gateway's URL, which stays the
 * same across a failover.
 */
export function attestationRoutes(authority: AttestationAuthority): InfraRoute[] {
  return [
    {
      method: 'GET',
      path: OPENID_CONFIGURATION_PATH,
      handle: (req, res) =>
        sendJson(res, 200, authority.openidConfiguration(requestOrigin(req.headers.host))),
    },
    { method: 'GET', path: JWKS_PATH, handle: (_req, res) => sendJson(res, 200, authority.jwks()) },
  ];
}
