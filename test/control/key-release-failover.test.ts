import { generateKeyPairSync, type JsonWebKey as NodeJwk } from 'node:crypto';
import type { KeyClient } from '@azure/keyvault-keys';
import { AttestationAuthority, ensureAttestationKey } from '@vaultover/auth/attestation';
import { httpsJson, systemClock } from '@vaultover/foundation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FailoverStack,
  startFailoverStack,
  waitForState,
  waitUntilNormal,
} from '../support/failover-stack.ts';
import { keyClient } from '../support/key-clients.ts';
import { expectRestError } from '../support/rest-error.ts';

// The attestation authority of a deployment across a failover: its key is the data directory's, so both
// region nodes publish the same JWKS and accept the same tokens, and a policy naming the global endpoint
// stays satisfiable whichever region serves. Release is not on the read-only allowlist: a failed-over
// vault refuses it (503) and releases again, with the same token, after failback.

let stack: FailoverStack;
let keys: KeyClient;

beforeAll(async () => {
  stack = await startFailoverStack({ failover: { autoFailback: false } });
  keys = keyClient(stack.gateway, 'admin');
});

afterAll(async () => {
  await stack?.close();
});

/** The gateway's discovery document and JWKS, whichever region answers. */
async function publishedAuthority() {
  const get = (path: string) =>
    httpsJson({ method: 'GET', url: `${stack.gateway.url}${path}`, ca: stack.gateway.ca });
  const config = await get('/.well-known/openid-configuration');
  const jwks = await get('/certs');
  expect([config.status, jwks.status]).toEqual([200, 200]);
  return { config: config.body, jwks: jwks.body };
}

describe('secure key release across a failover', () => {
  it('keeps one authority at the global endpoint; release waits out the read-only failover', async () => {
    const target = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      format: 'jwk',
    }) as NodeJwk;
    const policy = {
      version: '1.0.0',
      anyOf: [{ authority: stack.gateway.url, allOf: [{ claim: 'tee', equals: 'sgx' }] }],
    };
    const created = await keys.createRsaKey('across', {
      hsm: true,
      exportable: true,
      releasePolicy: { encodedPolicy: Buffer.from(JSON.stringify(policy)) },
    });
    const authority = new AttestationAuthority(
      await ensureAttestationKey(stack.gateway.dataDir),
      systemClock,
    );
    const token = await authority.issue({
      issuer: stack.gateway.url,
      claims: { tee: 'sgx' },
      runtimeKeys: [{ ...target, kid: 'tee-key' }],
      ttlSeconds: 600,
    });
    const before = await publishedAuthority();
    expect(before.config).toMatchObject({
      issuer: stack.gateway.url,
      jwks_uri: `${stack.gateway.url}/certs`,
    });
    expect((await keys.releaseKey('across', token)).value.split('.')).toHaveLength(3);

    expect((await stack.controlPost('failover')).status).toBe(202);
    await waitForState(stack, 'failed-over');
    // The secondary now answers at the gateway: the same authority, the same keys.
    expect(await publishedAuthority()).toEqual(before);
    // Replication carried the policy and the exportable attribute (KeyGet is served read-only).
    const replicated = await keys.getKey('across');
    expect(replicated.properties.exportable).toBe(true);
    expect(replicated.properties.releasePolicy).toEqual(created.properties.releasePolicy);
    const refused = await expectRestError(keys.releaseKey('across', token), 503, 'ServiceUnavailable');
    expect(refused.message).toBe(
      'Operation "KeyRelease" is unavailable: the service is currently in a read-only state.',
    );

    expect((await stack.controlPost('failback')).status).toBe(202);
    await waitForState(stack, 'normal');
    await waitUntilNormal(stack);
    expect((await keys.releaseKey('across', token)).value.split('.')).toHaveLength(3);
  });
});
