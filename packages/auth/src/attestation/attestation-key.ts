import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFileOnce } from '@vaultover/foundation';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The attestation authority's signing key: the private key, and the public JWK its JWKS publishes. */
export interface AttestationKey {
  privateKey: KeyObject;
  /** RSA public JWK with `kid` (its RFC 7638 thumbprint), `alg` RS256 and `use` sig. */
  publicJwk: JWK & { kid: string };
}

/** The algorithm of attestation tokens, Microsoft Azure Attestation's. */
export const ATTESTATION_ALGORITHM = 'RS256';

/**
 * The deployment's attestation signing key from `<dir>/attestation.key` (PKCS#8 PEM, mode 0600), created
 * on first use the way `token.key` is: every region node and the `vaultover attest` command of a data
 * directory read the same key, so a token works on whichever region serves after a failover.
 */
export async function ensureAttestationKey(dir: string): Promise<AttestationKey> {
  const path = join(dir, 'attestation.key');
  let pem = await readPem(path);
  if (pem === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Off the event loop: a 2048-bit RSA generation takes tens to hundreds of milliseconds.
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    await createFileOnce(path, Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' })));
    pem = await readPem(path);
    if (pem === undefined) throw new Error(`${path} vanished right after it was created`);
  }
  const privateKey = createPrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg: ATTESTATION_ALGORITHM, use: 'sig' } };
}

async function readPem(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
