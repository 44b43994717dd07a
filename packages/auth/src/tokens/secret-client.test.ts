import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { ensureTlsMaterial, type TlsMaterial } from '@vaultover/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  challengeHeader,
  ensureSigningKey,
  TokenVerifier,
  unauthorizedBody,
  VaultoverCredential,
} from './index.ts';

// The real SDK client, over real HTTPS with the generated CA, through the challenge flow.

let dataDir: string;
let tls: TlsMaterial;
let server: https.Server;
let vaultUrl: string;
const principalsSeen: string[] = [];

function handler(verifier: TokenVerifier) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      principalsSeen.push((await verifier.verify(req.headers.authorization, Date.now())).principal);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': challengeHeader() });
      res.end(JSON.stringify(unauthorizedBody(error)));
      return;
    }
    const attributes = { enabled: true, created: 1_700_000_000, updated: 1_700_000_000 };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: 'world', id: `${vaultUrl}/secrets/hello/0123456789abcdef`, attributes }));
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vo-e2e-'));
  tls = await ensureTlsMaterial({ dir: join(dataDir, 'tls') });
  const verifier = new TokenVerifier({ signingKey: await ensureSigningKey(dataDir) });
  server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler(verifier));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  vaultUrl = `https://localhost:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

describe('SecretClient against a Vaultover-style endpoint', () => {
  it('answers the challenge with a VaultoverCredential token and reads the secret', async () => {
    const client = new SecretClient(vaultUrl, new VaultoverCredential({ principal: 'alice', dataDir }), {
      tlsOptions: { ca: tls.caPem },
      // The challenge names vault.azure.net; the SDK refuses that for any other host otherwise.
      disableChallengeResourceVerification: true,
    });
    const secret = await client.getSecret('hello');
    expect(secret.value).toBe('world');
    expect(principalsSeen).toContain('alice');
  });

  it('is refused by the SDK itself when resource verification stays on', async () => {
    const client = new SecretClient(vaultUrl, new VaultoverCredential({ principal: 'alice', dataDir }), {
      tlsOptions: { ca: tls.caPem },
      retryOptions: { maxRetries: 0 },
    });
    await expect(client.getSecret('hello')).rejects.toThrow(
      /challenge resource 'vault\.azure\.net' does not match/,
    );
  });
});
