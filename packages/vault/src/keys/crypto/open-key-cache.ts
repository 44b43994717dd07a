import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { CurveName } from '../key-types.ts';
import { scalarOf } from './ecdsa.ts';
import type { RsaKeySize } from './rsa-pss.ts';

/** A key version ready for cryptography: parsed once, then reused while its sealed form is unchanged. */
export type OpenKey =
  | { family: 'rsa'; privateKey: KeyObject; publicKey: KeyObject; size: RsaKeySize }
  | { family: 'ec'; curve: CurveName; d: bigint };

interface Entry {
  sealed: string;
  key: OpenKey;
}

const DEFAULT_CAPACITY = 1024;

/**
 * Unsealed private keys by key version, least recently used first out. Unsealing and parsing cost
 * about 100 µs a key (an RSA-2048 signature costs 800), and a key version's material never changes; the
 * sealed text is compared on every hit, so a version restored or replaced under the same id is re-read.
 */
export class OpenKeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  get(id: string, sealed: string, unseal: () => Buffer, curve?: CurveName): OpenKey {
    const hit = this.#entries.get(id);
    if (hit && hit.sealed === sealed) {
      this.#entries.delete(id);
      this.#entries.set(id, hit); // most recently used last
      return hit.key;
    }
    const key = open(unseal(), curve);
    this.#entries.delete(id);
    this.#entries.set(id, { sealed, key });
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return key;
  }

  /** The opened key if it is cached with this exact sealed form, else undefined (nothing is opened). */
  peek(id: string, sealed: string): OpenKey | undefined {
    const hit = this.#entries.get(id);
    return hit && hit.sealed === sealed ? hit.key : undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}

function open(pkcs8: Buffer, curve: CurveName | undefined): OpenKey {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  pkcs8.fill(0);
  if (privateKey.asymmetricKeyType === 'ec') {
    if (!curve) throw new Error('an EC key needs its curve to be opened');
    const { d } = privateKey.export({ format: 'jwk' });
    return { family: 'ec', curve, d: scalarOf(d ?? '') };
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  return {
    family: 'rsa',
    privateKey,
    publicKey: createPublicKey(privateKey),
    size: { bits, bytes: Math.ceil(bits / 8) },
  };
}
