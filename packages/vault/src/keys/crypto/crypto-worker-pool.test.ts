import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BadParameterError } from '../../errors.ts';
import { InlineCryptoEngine, type KeyRef } from './crypto-engine.ts';
import { CryptoWorkerPool } from './crypto-worker-pool.ts';

// The worker pool gives the same answers as inline cryptography, errors included, and hands each
// worker a key's private part once.

const rsaDer = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'der',
});
const ecDer = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
  type: 'pkcs8',
  format: 'der',
});
const digest = createHash('sha256').update('pool').digest();
const digest384 = createHash('sha384').update('pool').digest();

/** A key reference that counts how often its private part was unsealed. */
function ref(id: string, der: Buffer, sealed = 'sealed-1', curve?: 'P-384'): KeyRef & { unsealed: number } {
  const key = {
    id,
    sealed,
    curve,
    unsealed: 0,
    unseal: () => {
      key.unsealed++;
      return Buffer.from(der);
    },
  };
  return key;
}

let pool: CryptoWorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('CryptoWorkerPool', () => {
  it('signs, verifies, encrypts and decrypts like the inline engine', async () => {
    pool = new CryptoWorkerPool(1);
    const inline = new InlineCryptoEngine();
    const rsa = ref('v/key/rsa/1', rsaDer);
    const signature = (await pool.run(rsa, { op: 'sign', algorithm: 'PS256', digest })) as Buffer;
    expect(await inline.run(rsa, { op: 'verify', algorithm: 'PS256', digest, signature })).toBe(true);
    const ciphertext = (await inline.run(rsa, {
      op: 'encrypt',
      algorithm: 'RSA-OAEP-256',
      data: digest,
    })) as Buffer;
    expect(await pool.run(rsa, { op: 'decrypt', algorithm: 'RSA-OAEP-256', data: ciphertext })).toEqual(
      digest,
    );
    const ec = ref('v/key/ec/1', ecDer, 'sealed-1', 'P-384');
    const ecSignature = (await pool.run(ec, { op: 'sign', algorithm: 'ES384', digest: digest384 })) as Buffer;
    expect(ecSignature.length).toBe(96);
    expect(
      await inline.run(ec, { op: 'verify', algorithm: 'ES384', digest: digest384, signature: ecSignature }),
    ).toBe(true);
  });

  it('unseals a key once per worker, and again when its sealed form changes', async () => {
    pool = new CryptoWorkerPool(1);
    const rsa = ref('v/key/rsa/1', rsaDer);
    await Promise.all(
      Array.from({ length: 10 }, () => pool?.run(rsa, { op: 'sign', algorithm: 'RS256', digest })),
    );
    expect(rsa.unsealed).toBe(1);
    const restored = ref('v/key/rsa/1', rsaDer, 'sealed-2');
    await pool.run(restored, { op: 'sign', algorithm: 'RS256', digest });
    expect(restored.unsealed).toBe(1);
  });

  it('spreads work over its workers', async () => {
    pool = new CryptoWorkerPool(2);
    const rsa = ref('v/key/rsa/1', rsaDer);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        pool?.run(rsa, { op: 'sign', algorithm: 'RS512', digest: Buffer.alloc(64, 3) }),
      ),
    );
    expect(results.every((r) => Buffer.isBuffer(r) && r.length === 256)).toBe(true);
    expect(rsa.unsealed).toBe(2);
  });

  it('rethrows BadParameter as BadParameter, and an unseal failure as it is', async () => {
    pool = new CryptoWorkerPool(1);
    const rsa = ref('v/key/rsa/1', rsaDer);
    const refused = pool.run(rsa, { op: 'decrypt', algorithm: 'RSA-OAEP', data: Buffer.alloc(256, 9) });
    await expect(refused).rejects.toBeInstanceOf(BadParameterError);
    const broken: KeyRef = {
      id: 'v/key/broken/1',
      sealed: 'sealed-1',
      unseal: () => {
        throw new Error('sealed value does not decrypt');
      },
    };
    await expect(pool.run(broken, { op: 'sign', algorithm: 'RS256', digest })).rejects.toThrow(
      'does not decrypt',
    );
    // The worker is still serving.
    expect(Buffer.isBuffer(await pool.run(rsa, { op: 'sign', algorithm: 'RS256', digest }))).toBe(true);
  });

  it('refuses work once closed', async () => {
    pool = new CryptoWorkerPool(1);
    await pool.close();
    await expect(pool.run(ref('k', rsaDer), { op: 'sign', algorithm: 'RS256', digest })).rejects.toThrow(
      'closed',
    );
  });
});
