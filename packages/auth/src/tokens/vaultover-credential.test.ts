import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@vaultover/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningKey, TokenVerifier, VaultoverCredential } from './index.ts';

const SCOPE = 'https://vault.azure.net/.default';
const T0 = Date.UTC(2030, 0, 1);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vo-cred-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('VaultoverCredential', () => {
  it('signs with the key in the data directory, so the region accepts its tokens', async () => {
    const verifier = new TokenVerifier({ signingKey: await ensureSigningKey(dir) });
    const credential = new VaultoverCredential({ principal: 'alice', dataDir: dir });
    const accessToken = await credential.getToken(SCOPE);
    expect(accessToken.tokenType).toBe('Bearer');
    expect(await verifier.verify(`Bearer ${accessToken.token}`, Date.now())).toEqual({ principal: 'alice' });
    expect(accessToken.expiresOnTimestamp - Date.now()).toBeGreaterThan(3_590_000);
  });

  it('reuses its token until five minutes before expiry, then issues a new one', async () => {
    const clock = new ManualClock(T0);
    const credential = new VaultoverCredential({
      principal: 'alice',
      signingKey: new Uint8Array(32),
      clock,
    });
    const first = await credential.getToken([SCOPE]);
    expect(first.refreshAfterTimestamp).toBe(first.expiresOnTimestamp - 300_000);
    await clock.advance(first.expiresOnTimestamp - 300_001 - clock.now());
    expect(await credential.getToken([SCOPE])).toBe(first);
    await clock.advance(1);
    const second = await credential.getToken([SCOPE]);
    expect(second.token).not.toBe(first.token);
    expect(second.expiresOnTimestamp).toBe(clock.now() + 3_600_000);
  });

  it('honours a custom lifetime', async () => {
    const credential = new VaultoverCredential({
      principal: 'alice',
      signingKey: new Uint8Array(32),
      ttlSeconds: 600,
      clock: new ManualClock(T0),
    });
    expect((await credential.getToken(SCOPE)).expiresOnTimestamp).toBe(T0 + 600_000);
  });

  it('says where it looked when the data directory has no key, and recovers once it does', async () => {
    const credential = new VaultoverCredential({ principal: 'alice', dataDir: dir });
    await expect(credential.getToken(SCOPE)).rejects.toThrow(join(dir, 'token.key'));
    await ensureSigningKey(dir);
    await expect(credential.getToken(SCOPE)).resolves.toHaveProperty('token');
  });
});
