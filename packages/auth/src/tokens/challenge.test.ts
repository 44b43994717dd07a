import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { describe, expect, it } from 'vitest';
import {
  challengeHeader,
  MalformedTokenError,
  MISSING_TOKEN_BODY,
  TokenVerifier,
  unauthorizedBody,
  VaultoverCredential,
} from './index.ts';

const signingKey = new Uint8Array(32).fill(7);

describe('challengeHeader', () => {
  it('is exactly what Key Vault sends, with the all-zero tenant by default', () => {
    expect(challengeHeader()).toBe(
      'Bearer authorization="https://login.windows.net/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
    );
    expect(challengeHeader({ tenantId: 'contoso' })).toContain('"https://login.windows.net/contoso"');
  });
});

describe('401 bodies', () => {
  it('match Key Vault for a missing token', () => {
    expect(JSON.stringify(MISSING_TOKEN_BODY)).toBe(
      '{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}',
    );
  });

  it('say what is wrong with a bad token', () => {
    expect(unauthorizedBody(new MalformedTokenError())).toEqual({
      error: { code: 'Unauthorized', message: 'Token is malformed.' },
    });
  });
});

/**
 * Runs one request through the SDK's own Key Vault challenge policy (whose header parser is not
 * exported) against a fake service that challenges unauthenticated requests and otherwise
 * verifies the bearer token. Returns what the credential was asked for and who was verified.
 */
async function throughSdkChallengePolicy(
  url: string,
  options: { disableChallengeResourceVerification?: boolean },
) {
  const credential = new VaultoverCredential({ principal: 'alice', signingKey });
  const asked: { scopes: string | string[]; tenantId?: string }[] = [];
  const spy = {
    getToken: (scopes: string | string[], getTokenOptions?: { tenantId?: string }) => {
      asked.push({ scopes, tenantId: getTokenOptions?.tenantId });
      return credential.getToken(scopes, getTokenOptions);
    },
  };
  const verifier = new TokenVerifier({ signingKey });
  const verified: string[] = [];
  const fakeService = async (
    request: ReturnType<typeof createPipelineRequest>,
  ): Promise<PipelineResponse> => {
    const authorization = request.headers.get('authorization');
    if (authorization === undefined) {
      const headers = createHttpHeaders({ 'www-authenticate': challengeHeader({ tenantId: 'contoso' }) });
      return { request, status: 401, headers, bodyAsText: JSON.stringify(MISSING_TOKEN_BODY) };
    }
    verified.push((await verifier.verify(authorization, Date.now())).principal);
    return { request, status: 200, headers: createHttpHeaders(), bodyAsText: '{}' };
  };
  const policy = keyVaultAuthenticationPolicy(spy, options);
  const response = await policy.sendRequest(createPipelineRequest({ url, method: 'GET' }), fakeService);
  return { status: response.status, asked, verified };
}

describe('the Azure SDK challenge policy', () => {
  it('parses the challenge into the Key Vault scope and tenant, and sends a token we accept', async () => {
    const result = await throughSdkChallengePolicy('https://myvault.vault.azure.net/secrets/x', {});
    expect(result).toEqual({
      status: 200,
      asked: [{ scopes: ['https://vault.azure.net/.default'], tenantId: 'contoso' }],
      verified: ['alice'],
    });
  });

  it('refuses a vault URL outside *.vault.azure.net unless resource verification is disabled', async () => {
    await expect(throughSdkChallengePolicy('https://localhost:8443/secrets/x', {})).rejects.toThrow(
      "The challenge resource 'vault.azure.net' does not match the requested domain",
    );
    const result = await throughSdkChallengePolicy('https://localhost:8443/secrets/x', {
      disableChallengeResourceVerification: true,
    });
    expect(result.verified).toEqual(['alice']);
  });
});
