import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { CodedError } from '@vaultover/foundation';

const FORMAT = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when sealed data does not decrypt: wrong master key, wrong context, or tampering. */
export class UnsealError extends CodedError {
  readonly code = 'UnsealFailed';
}

/**
 * Encrypts values at rest with AES-256-GCM under the deployment's master key.
 * `context` is bound as additional authenticated data (e.g. vault/kind/name/version), so a sealed
 * value copied to another object does not open.
 */
export class Sealer {
  // A KeyObject, prepared once: passing raw bytes makes node:crypto re-import the key on every call.
  readonly #key: KeyObject;

  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== 32) throw new RangeError(`master key must be 32 bytes, got ${masterKey.length}`);
    this.#key = createSecretKey(Buffer.from(masterKey));
  }

  /** Seals into a printable string (for JSON documents). */
  seal(plaintext: Uint8Array | string, context: string): string {
    return FORMAT + this.sealBytes(plaintext, context).toString('base64url');
  }

  open(sealed: string, context: string): Buffer {
    if (!sealed.startsWith(FORMAT)) throw new UnsealError('sealed value has an unknown format');
    return this.openBytes(Buffer.from(sealed.slice(FORMAT.length), 'base64url'), context);
  }

  /** Seals into raw bytes: IV, tag, ciphertext. */
  sealBytes(plaintext: Uint8Array | string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  openBytes(raw: Uint8Array, context: string): Buffer {
    if (raw.length < IV_BYTES + TAG_BYTES) throw new UnsealError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new UnsealError('sealed value does not decrypt under this master key and context');
    }
  }

  openText(sealed: string, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }
}
