import {
  constants,
  createHash,
  createPublicKey,
  createVerify,
  type JsonWebKey as NodeJwk,
} from 'node:crypto';
import type { CryptographyClient, KeyClient, KeyVaultKey, SignatureAlgorithm } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest } from '../support/clients.ts';
import { cryptographyClient, keyClient, type LoggedRequest, requestLog } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// CryptographyClient of @azure/keyvault-keys against a region node, built the three ways apps build
// it. Every algorithm round-trips, and a request log (a perCall pipeline policy) shows which side did
// the work: the SDK encrypts and wraps with RSA-OAEP and RSA1_5 and verifies RS*/PS* data itself once
// it has the public key; everything else is a POST to the region.

let region: TestRegion;
let admin: KeyClient;
let rsa: KeyVaultKey;
const ec: Record<string, KeyVaultKey> = {};

const DATA = Buffer.from('a message worth signing, and a key worth wrapping');
const CEK = Buffer.from('0123456789abcdef0123456789abcdef');
const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' } as const;
const digestFor = (alg: string) =>
  createHash(HASH[Number(alg.slice(2, 5)) as 256 | 384 | 512])
    .update(DATA)
    .digest();

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 12 });
  admin = keyClient(region, 'admin');
  rsa = await admin.createRsaKey('crypto-rsa', { keySize: 2048 });
  for (const curve of ['P-256', 'P-256K', 'P-384', 'P-521'] as const) {
    ec[curve] = await admin.createEcKey(`crypto-ec-${curve.toLowerCase()}`, { curve });
  }
});

afterAll(async () => {
  await region?.close();
});

interface Built {
  client: CryptographyClient;
  take(): LoggedRequest[];
  /** Path prefix of remote operations: `/keys/{n}/{v}` or `/keys/{n}/` (versionless: `…//encrypt`). */
  opPrefix: string;
  /** Path of the first GET the client sends for the key. */
  getPath: string;
}

type Construction = 'versioned id' | 'versionless id' | 'keyClient.getCryptographyClient';

function build(how: Construction, key: KeyVaultKey): Built {
  const log = requestLog();
  const additionalPolicies = [{ policy: log.policy, position: 'perCall' as const }];
  const version = key.properties.version ?? '';
  if (how === 'versioned id') {
    const client = cryptographyClient(region, 'admin', key.id ?? '', { additionalPolicies });
    return {
      client,
      take: log.take,
      opPrefix: `/keys/${key.name}/${version}`,
      getPath: `/keys/${key.name}/${version}`,
    };
  }
  const client =
    how === 'versionless id'
      ? cryptographyClient(region, 'admin', `${region.url}/keys/${key.name}`, { additionalPolicies })
      : keyClient(region, 'admin', region.url, { additionalPolicies }).getCryptographyClient(key.name);
  return { client, take: log.take, opPrefix: `/keys/${key.name}/`, getPath: `/keys/${key.name}/` };
}

const CONSTRUCTIONS: Construction[] = ['versioned id', 'versionless id', 'keyClient.getCryptographyClient'];

/** Runs `call` and returns what it sent: nothing means the SDK did it locally. */
async function sent<T>(built: Built, call: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
  built.take();
  const result = await call();
  return { result, requests: built.take().map((r) => `${r.method} ${r.path}`) };
}

describe.each(CONSTRUCTIONS)('CryptographyClient from a %s: RSA', (how) => {
  let built: Built;
  beforeAll(() => {
    built = build(how, rsa);
  });

  it('fetches the key once, then encrypts locally with RSA-OAEP and RSA1_5; the region decrypts', async () => {
    const first = await sent(built, () => built.client.encrypt('RSA-OAEP', DATA));
    expect(first.requests).toEqual([`GET ${built.getPath}`]);
    for (const algorithm of ['RSA-OAEP', 'RSA1_5'] as const) {
      const encrypted = await sent(built, () => built.client.encrypt(algorithm, DATA));
      expect(encrypted.requests, `${algorithm} encrypt is local`).toEqual([]);
      const decrypted = await sent(built, () => built.client.decrypt(algorithm, encrypted.result.result));
      expect(decrypted.requests).toEqual([`POST ${built.opPrefix}/decrypt`]);
      expect(Buffer.from(decrypted.result.result).equals(DATA)).toBe(true);
      expect(decrypted.result.keyID).toBe(built.client.keyID);
    }
  });

  it('encrypts and decrypts with RSA-OAEP-256 remotely, both ways', async () => {
    const encrypted = await sent(built, () => built.client.encrypt('RSA-OAEP-256', DATA));
    expect(encrypted.requests).toEqual([`POST ${built.opPrefix}/encrypt`]);
    const decrypted = await sent(built, () => built.client.decrypt('RSA-OAEP-256', encrypted.result.result));
    expect(decrypted.requests).toEqual([`POST ${built.opPrefix}/decrypt`]);
    expect(Buffer.from(decrypted.result.result).equals(DATA)).toBe(true);
  });

  it('wraps locally with RSA-OAEP and RSA1_5, remotely with RSA-OAEP-256; the region unwraps', async () => {
    for (const [algorithm, local] of [
      ['RSA-OAEP', true],
      ['RSA1_5', true],
      ['RSA-OAEP-256', false],
    ] as const) {
      const wrapped = await sent(built, () => built.client.wrapKey(algorithm, CEK));
      expect(wrapped.requests, `${algorithm} wrap`).toEqual(local ? [] : [`POST ${built.opPrefix}/wrapkey`]);
      const unwrapped = await sent(built, () => built.client.unwrapKey(algorithm, wrapped.result.result));
      expect(unwrapped.requests).toEqual([`POST ${built.opPrefix}/unwrapkey`]);
      expect(Buffer.from(unwrapped.result.result).equals(CEK), algorithm).toBe(true);
    }
  });

  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const)(
    '%s: signs and verifies digests remotely; a tampered signature does not verify',
    async (alg) => {
      const digest = digestFor(alg);
      const signed = await sent(built, () => built.client.sign(alg, digest));
      expect(signed.requests).toEqual([`POST ${built.opPrefix}/sign`]);
      expect(signed.result.result.length).toBe(256);
      const verified = await sent(built, () => built.client.verify(alg, digest, signed.result.result));
      expect(verified.requests).toEqual([`POST ${built.opPrefix}/verify`]);
      expect(verified.result.result).toBe(true);
      const tampered = Buffer.from(signed.result.result);
      tampered[100] = (tampered[100] ?? 0) ^ 0x80;
      expect((await built.client.verify(alg, digest, tampered)).result).toBe(false);
      expect((await built.client.verify(alg, Buffer.from(digest).fill(7), signed.result.result)).result).toBe(
        false,
      );
    },
  );

  it.each(['RS256', 'RS384', 'RS512'] as const)(
    '%s: signData hashes locally and signs remotely; verifyData verifies locally, also a tampered signature',
    async (alg) => {
      const signed = await sent(built, () => built.client.signData(alg, DATA));
      expect(signed.requests).toEqual([`POST ${built.opPrefix}/sign`]);
      const verified = await sent(built, () => built.client.verifyData(alg, DATA, signed.result.result));
      expect(verified.requests).toEqual([]);
      expect(verified.result.result).toBe(true);
      const tampered = Buffer.from(signed.result.result);
      tampered[0] = (tampered[0] ?? 0) ^ 0x01;
      expect((await built.client.verifyData(alg, DATA, tampered)).result).toBe(false);
    },
  );

  it.each(['PS256', 'PS384', 'PS512'] as const)(
    '%s: signData makes a standard PSS signature; the SDK verifies it locally with PKCS#1 v1.5 padding and says false',
    async (alg) => {
      const signed = await sent(built, () => built.client.signData(alg, DATA));
      expect(signed.requests).toEqual([`POST ${built.opPrefix}/sign`]);
      const signature = Buffer.from(signed.result.result);
      // Any PSS verifier accepts it: node:crypto with salt length = hash length (RFC 7518 §3.5)...
      const publicKey = createPublicKey({ key: publicJwk(rsa), format: 'jwk' });
      const hash = HASH[Number(alg.slice(2, 5)) as 256 | 384 | 512];
      const pss = {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(alg.slice(2, 5)) / 8,
      };
      expect(createVerify(hash).update(DATA).verify(pss, signature)).toBe(true);
      // ... and the region's verify.
      expect((await built.client.verify(alg, digestFor(alg), signature)).result).toBe(true);
      // The SDK's local verifyData (RsaCryptographyProvider) calls createVerify(hash).verify(pem, sig) with
      // no padding option: PKCS#1 v1.5. So it rejects every genuine PSS signature, the real service's too.
      const local = await sent(built, () => built.client.verifyData(alg, DATA, signature));
      expect(local.requests).toEqual([]);
      expect(local.result.result).toBe(false);
    },
  );
});

describe.each(CONSTRUCTIONS)('CryptographyClient from a %s: EC', (how) => {
  it.each([
    ['P-256', 'ES256', 64],
    ['P-256K', 'ES256K', 64],
    ['P-384', 'ES384', 96],
    ['P-521', 'ES512', 132],
  ] as const)(
    '%s with %s: sign, verify, signData and verifyData all go to the region',
    async (curve, alg, length) => {
      const key = ec[curve] as KeyVaultKey;
      const built = build(how, key);
      const hash = HASH[Number(alg.slice(2, 5)) as 256 | 384 | 512];
      const digest = createHash(hash).update(DATA).digest();
      const signed = await sent(built, () => built.client.sign(alg as SignatureAlgorithm, digest));
      expect(signed.requests).toEqual([`GET ${built.getPath}`, `POST ${built.opPrefix}/sign`]);
      expect(signed.result.result.length).toBe(length);
      // r‖s as the service returns it: node:crypto verifies it over the message, as IEEE P1363.
      const publicKey = createPublicKey({ key: publicJwk(key), format: 'jwk' });
      expect(
        createVerify(hash)
          .update(DATA)
          .verify({ key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signed.result.result)),
      ).toBe(true);
      const verified = await sent(built, () =>
        built.client.verify(alg as SignatureAlgorithm, digest, signed.result.result),
      );
      expect(verified.requests).toEqual([`POST ${built.opPrefix}/verify`]);
      expect(verified.result.result).toBe(true);

      const signedData = await sent(built, () => built.client.signData(alg as SignatureAlgorithm, DATA));
      expect(signedData.requests).toEqual([`POST ${built.opPrefix}/sign`]);
      const verifiedData = await sent(built, () =>
        built.client.verifyData(alg as SignatureAlgorithm, DATA, signedData.result.result),
      );
      expect(verifiedData.requests).toEqual([`POST ${built.opPrefix}/verify`]);
      expect(verifiedData.result.result).toBe(true);
      const tampered = Buffer.from(signedData.result.result);
      tampered[length - 1] = (tampered[length - 1] ?? 0) ^ 0x01;
      expect((await built.client.verifyData(alg as SignatureAlgorithm, DATA, tampered)).result).toBe(false);
    },
  );
});

/** The public JWK of a key as node:crypto reads it. */
function publicJwk(key: KeyVaultKey): NodeJwk {
  const b64 = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('base64url');
  if (key.key?.crv) {
    const crv = key.key.crv === 'P-256K' ? 'secp256k1' : key.key.crv;
    return { kty: 'EC', crv, x: b64(key.key.x), y: b64(key.key.y) };
  }
  return { kty: 'RSA', n: b64(key.key?.n), e: b64(key.key?.e) };
}

describe('refusals: key_ops, disabled keys and the validity window', () => {
  const digest = createHash('sha256').update(DATA).digest();

  /** A client that fetched the key while it allowed everything, so it sends what the region must refuse. */
  async function staleClient(name: string): Promise<{ built: Built; key: KeyVaultKey }> {
    const key = await admin.createRsaKey(name);
    const built = build('versioned id', key);
    await built.client.encrypt('RSA-OAEP', DATA); // fetches and caches the key
    return { built, key };
  }

  it('refuses an operation missing from key_ops with 403 KeyOperationForbidden; the SDK refuses it first', async () => {
    const { built, key } = await staleClient('narrowed');
    const signature = (await built.client.sign('RS256', digest)).result;
    await admin.updateKeyProperties('narrowed', key.properties.version ?? '', { keyOps: ['verify'] });
    const refused = await expectRestError(built.client.sign('RS256', digest), 403, 'Forbidden');
    expect(refused.message).toBe('Operation sign is not permitted on this key.');
    expect(innerCode(refused)).toBe('KeyOperationForbidden');
    await expectRestError(built.client.decrypt('RSA-OAEP', Buffer.alloc(256)), 403, 'Forbidden');
    expect((await built.client.verify('RS256', digest, signature)).result).toBe(true);

    // A client that reads the key now checks key_ops itself and sends nothing.
    const fresh = build('versioned id', key);
    await expect(fresh.client.sign('RS256', digest)).rejects.toThrow(
      /Operation sign is not supported on key/,
    );
    expect(fresh.take()).toEqual([{ method: 'GET', path: fresh.getPath }]);
  });

  it('refuses every operation on a disabled key with 403 KeyDisabled, verify and decrypt included', async () => {
    const { built, key } = await staleClient('switched-off');
    const ciphertext = (await built.client.encrypt('RSA-OAEP', DATA)).result;
    const signature = (await built.client.sign('RS256', digest)).result;
    await admin.updateKeyProperties('switched-off', key.properties.version ?? '', { enabled: false });
    for (const call of [
      () => built.client.sign('RS256', digest),
      () => built.client.verify('RS256', digest, signature),
      () => built.client.decrypt('RSA-OAEP', ciphertext),
      () => built.client.encrypt('RSA-OAEP-256', DATA),
    ]) {
      const refused = await expectRestError(call(), 403, 'Forbidden');
      expect(innerCode(refused)).toBe('KeyDisabled');
      expect(refused.message).toMatch(/^Operation \w+ is not allowed on a disabled key\.$/);
    }
    // The SDK does not look at `enabled`: a fresh client still encrypts locally with the public key.
    const fresh = build('versioned id', key);
    expect((await fresh.client.encrypt('RSA-OAEP', DATA)).result.length).toBe(256);
  });

  it('refuses encrypt, wrap and sign outside nbf..exp, but still decrypts, unwraps and verifies', async () => {
    const { built, key } = await staleClient('expired');
    const ciphertext = (await built.client.encrypt('RSA-OAEP', DATA)).result;
    const wrapped = (await built.client.wrapKey('RSA-OAEP', CEK)).result;
    const signature = (await built.client.sign('PS256', digest)).result;
    const expiresOn = new Date(Date.now() - 60_000);
    await admin.updateKeyProperties('expired', key.properties.version ?? '', { expiresOn });

    for (const call of [
      () => built.client.sign('PS256', digest),
      () => built.client.encrypt('RSA-OAEP-256', DATA),
      () => built.client.wrapKey('RSA-OAEP-256', CEK),
    ]) {
      const refused = await expectRestError(call(), 403, 'Forbidden');
      expect(innerCode(refused)).toBe('KeyExpired');
    }
    expect(Buffer.from((await built.client.decrypt('RSA-OAEP', ciphertext)).result).equals(DATA)).toBe(true);
    expect(Buffer.from((await built.client.unwrapKey('RSA-OAEP', wrapped)).result).equals(CEK)).toBe(true);
    expect((await built.client.verify('PS256', digest, signature)).result).toBe(true);

    // The SDK is stricter than the service: with the expired key in hand it refuses even decrypt.
    const fresh = build('versioned id', key);
    await expect(fresh.client.decrypt('RSA-OAEP', ciphertext)).rejects.toThrow(/expired at/);
    expect(fresh.take()).toEqual([{ method: 'GET', path: fresh.getPath }]);
  });

  it('refuses sign before nbf with 403 KeyNotYetValid, and verifies meanwhile', async () => {
    const { built, key } = await staleClient('not-yet');
    const signature = (await built.client.sign('RS384', digestFor('RS384'))).result;
    await admin.updateKeyProperties('not-yet', key.properties.version ?? '', {
      notBefore: new Date(Date.now() + 3_600_000),
    });
    const refused = await expectRestError(built.client.sign('RS384', digestFor('RS384')), 403, 'Forbidden');
    expect(innerCode(refused)).toBe('KeyNotYetValid');
    expect((await built.client.verify('RS384', digestFor('RS384'), signature)).result).toBe(true);
  });

  it('answers 403 KeyOperationForbidden to a raw request too (no SDK in between)', async () => {
    await admin.createEcKey('verify-only', { keyOps: ['verify'] });
    const response = await rawRequest(region, {
      method: 'POST',
      path: `/keys/verify-only//sign?${API}`,
      principal: 'admin',
      body: { alg: 'ES256', value: digest.toString('base64url') },
    });
    expect(response.status).toBe(403);
    expect(response.json).toEqual({
      error: {
        code: 'Forbidden',
        message: 'Operation sign is not permitted on this key.',
        innererror: { code: 'KeyOperationForbidden' },
      },
    });
  });
});
