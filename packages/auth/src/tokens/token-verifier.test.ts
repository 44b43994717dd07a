import { randomBytes } from 'node:crypto';
import { ManualClock } from '@vaultover/testkit';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type AuthError,
  InvalidClaimsError,
  InvalidSignatureError,
  MalformedTokenError,
  MissingTokenError,
  TOKEN_AUDIENCE,
  TokenExpiredError,
  TokenIssuer,
  TokenVerifier,
  UnknownPrincipalError,
} from './index.ts';

const T0 = Date.UTC(2030, 0, 1);
const key = new Uint8Array(randomBytes(32));
const fixedClock = new ManualClock(T0);

function setup(options: { knownPrincipals?: () => readonly string[]; cacheSize?: number } = {}) {
  return {
    issuer: new TokenIssuer({ signingKey: key, clock: fixedClock }),
    verifier: new TokenVerifier({ signingKey: key, ...options }),
  };
}

/** Asserts the typed error, and that its client-facing message does not leak the token. */
async function expectAuthError(
  promise: Promise<unknown>,
  type: new (...args: never[]) => AuthError,
  token?: string,
): Promise<AuthError> {
  const error = await promise.then(
    () => expect.fail('expected an AuthError'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  if (token) expect((error as AuthError).message).not.toContain(token.split('.')[2]);
  return error as AuthError;
}

function tamperSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return `${header}.${payload}.${flipped}`;
}

describe('TokenIssuer and TokenVerifier', () => {
  it('round-trips a principal, with the claims the SDK and server expect', async () => {
    const { issuer, verifier } = setup();
    const { token, expiresOnTimestamp } = await issuer.issue('alice');
    expect(await verifier.verify(`Bearer ${token}`, T0)).toEqual({ principal: 'alice' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'alice', iss: 'vaultover', aud: TOKEN_AUDIENCE, iat: T0 / 1000 });
    expect(claims.exp).toBe(T0 / 1000 + 3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(expiresOnTimestamp).toBe(T0 + 3_600_000);
  });

  it('gives every token its own jti', async () => {
    const { issuer } = setup();
    const [a, b] = await Promise.all([issuer.issue('alice'), issuer.issue('alice')]);
    expect(decodeJwt(a.token).jti).not.toBe(decodeJwt(b.token).jti);
  });

  it('expires a token by the injected clock, also when it was verified (and cached) before', async () => {
    const { issuer, verifier } = setup();
    const { token } = await issuer.issue('alice', { ttlSeconds: 60 });
    await expect(verifier.verify(`Bearer ${token}`, T0 + 59_999)).resolves.toEqual({ principal: 'alice' });
    const error = await expectAuthError(
      verifier.verify(`Bearer ${token}`, T0 + 60_000),
      TokenExpiredError,
      token,
    );
    expect(error).toMatchObject({ code: 'TokenExpired', message: 'Token is expired.' });
  });

  it('expires a token never seen before by the injected clock, whatever the wall clock says', async () => {
    const { issuer, verifier } = setup();
    const { token } = await issuer.issue('alice', { ttlSeconds: 60 });
    await expectAuthError(verifier.verify(`Bearer ${token}`, T0 + 61_000), TokenExpiredError, token);
  });

  it('rejects a tampered signature', async () => {
    const { issuer, verifier } = setup();
    const { token } = await issuer.issue('alice');
    const error = await expectAuthError(
      verifier.verify(`Bearer ${tamperSignature(token)}`, T0),
      InvalidSignatureError,
      token,
    );
    expect(error).toMatchObject({ code: 'InvalidSignature', message: 'Token signature is invalid.' });
  });

  it('rejects a payload changed to another principal', async () => {
    const { issuer, verifier } = setup();
    const alice = (await issuer.issue('alice')).token.split('.');
    const mallory = (await issuer.issue('mallory')).token.split('.');
    const forged = `${alice[0]}.${mallory[1]}.${alice[2]}`;
    await expectAuthError(verifier.verify(`Bearer ${forged}`, T0), InvalidSignatureError);
  });

  it('rejects a token signed with another deployment key', async () => {
    const other = new TokenIssuer({ signingKey: new Uint8Array(randomBytes(32)), clock: fixedClock });
    const { token } = await other.issue('alice');
    await expectAuthError(setup().verifier.verify(`Bearer ${token}`, T0), InvalidSignatureError, token);
  });

  it('rejects a correctly signed token for another audience', async () => {
    const token = await new SignJWT({ jti: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('vaultover')
      .setAudience('https://management.azure.com')
      .setIssuedAt(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 60)
      .sign(key);
    const error = await expectAuthError(setup().verifier.verify(`Bearer ${token}`, T0), InvalidClaimsError);
    expect(error).toMatchObject({ code: 'InvalidClaims', claim: 'aud' });
  });

  it('rejects an unsigned (alg none) token', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      sub: 'alice',
      iss: 'vaultover',
      aud: TOKEN_AUDIENCE,
      iat: T0 / 1000,
      exp: T0 / 1000 + 60,
    };
    const token = `${encode({ alg: 'none' })}.${encode({ ...claims, jti: 'x' })}.AAAA`;
    await expectAuthError(setup().verifier.verify(`Bearer ${token}`, T0), MalformedTokenError);
  });

  it('rejects a bearer value that is not a JWT', async () => {
    const error = await expectAuthError(setup().verifier.verify('Bearer not-a-jwt', T0), MalformedTokenError);
    expect(error.code).toBe('MalformedToken');
    await expectAuthError(setup().verifier.verify('Bearer a.b.c', T0), MalformedTokenError);
  });

  it('reports a missing token with the Key Vault message', async () => {
    const error = await expectAuthError(setup().verifier.verify(undefined, T0), MissingTokenError);
    expect(error).toMatchObject({
      code: 'MissingToken',
      message: 'AKV10000: Request is missing a Bearer or PoP token.',
    });
  });

  it('refuses to issue for an unknown principal, listing the known ones', async () => {
    const issuer = new TokenIssuer({ signingKey: key, knownPrincipals: () => ['alice', 'bob'] });
    const error = await expectAuthError(issuer.issue('mallory'), UnknownPrincipalError);
    expect(error).toMatchObject({ code: 'UnknownPrincipal', principal: 'mallory' });
    expect(error.message).toBe(
      'Principal "mallory" is not known to this deployment. Known principals: "alice", "bob".',
    );
    await expect(issuer.issue('bob')).resolves.toHaveProperty('token');
  });

  it('refuses a valid token once its principal is no longer configured, without listing principals', async () => {
    let principals = ['alice'];
    const { issuer, verifier } = setup({ knownPrincipals: () => principals });
    const { token } = await issuer.issue('alice');
    await expect(verifier.verify(`Bearer ${token}`, T0)).resolves.toEqual({ principal: 'alice' });
    principals = ['bob'];
    const error = await expectAuthError(verifier.verify(`Bearer ${token}`, T0), UnknownPrincipalError, token);
    expect(error.message).not.toContain('bob');
  });

  it('rejects a non-positive lifetime', async () => {
    await expect(setup().issuer.issue('alice', { ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('behaves the same with the cache disabled', async () => {
    const { issuer, verifier } = setup({ cacheSize: 0 });
    const { token } = await issuer.issue('alice', { ttlSeconds: 60 });
    await expect(verifier.verify(`Bearer ${token}`, T0)).resolves.toEqual({ principal: 'alice' });
    await expect(verifier.verify(`Bearer ${token}`, T0)).resolves.toEqual({ principal: 'alice' });
    await expectAuthError(verifier.verify(`Bearer ${token}`, T0 + 60_000), TokenExpiredError);
  });
});
