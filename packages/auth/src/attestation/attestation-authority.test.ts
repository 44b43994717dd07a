import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@vaultover/testkit';
import { VaultError } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttestationAuthority } from './attestation-authority.ts';
import { ensureAttestationKey } from './attestation-key.ts';

const ISSUER = 'https://localhost:8443';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultover-attestation-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The code and innererror of what verify() threw. */
async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof VaultError)) throw new Error(`expected a VaultError, got ${String(error)}`);
  return { status: error.status, inner: error.innerCode };
}

describe('the attestation key', () => {
  it('is created once, private to its owner, and read back the same by every caller', async () => {
    const [first, second] = await Promise.all([ensureAttestationKey(dir), ensureAttestationKey(dir)]);
    expect(first.publicJwk).toEqual(second.publicJwk);
    expect(first.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect((await stat(join(dir, 'attestation.key'))).mode & 0o777).toBe(0o600);
  });
});

describe('AttestationAuthority', () => {
  it('verifies its own tokens on its clock: the claims, the issuer and the runtime keys', async () => {
    const clock = new ManualClock();
    const authority = new AttestationAuthority(await ensureAttestationKey(dir), clock);
    const token = await authority.issue({
      issuer: `${ISSUER}/`,
      claims: { 'sdk-test': true },
      runtimeKeys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k' }],
      ttlSeconds: 60,
    });
    const verified = await authority.verify(token);
    expect(verified.issuer).toBe(ISSUER);
    expect(verified.claims).toMatchObject({ 'sdk-test': true, 'x-ms-runtime': { keys: [{ kid: 'k' }] } });

    await clock.advance(61_000);
    expect(await refusalOf(authority.verify(token))).toEqual({
      status: 403,
      inner: 'AttestationTokenExpired',
    });
  });

  it('refuses a token before its nbf, and one it did not sign', async () => {
    const clock = new ManualClock();
    const authority = new AttestationAuthority(await ensureAttestationKey(dir), clock);
    const future = new ManualClock(clock.now() + 3_600_000);
    const early = await new AttestationAuthority(await ensureAttestationKey(dir), future).issue({
      issuer: ISSUER,
      claims: {},
      runtimeKeys: [],
      ttlSeconds: 7200,
    });
    expect(await refusalOf(authority.verify(early))).toEqual({
      status: 403,
      inner: 'AttestationTokenNotValid',
    });

    const stranger = new AttestationAuthority(await ensureAttestationKey(join(dir, 'other')), clock);
    const foreign = await stranger.issue({ issuer: ISSUER, claims: {}, runtimeKeys: [], ttlSeconds: 60 });
    expect(await refusalOf(authority.verify(foreign))).toEqual({
      status: 403,
      inner: 'AttestationAuthorityUnknown',
    });
    expect(await refusalOf(authority.verify('a.b.c'))).toEqual({ status: 403, inner: 'AccessDenied' });
  });
});
