import { randomBytes } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import type { ObjectRepository } from '../store/object-repository.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import { type CryptoEngine, InlineCryptoEngine, type KeyRef } from './crypto/crypto-engine.ts';
import type { CryptoRequest } from './crypto/key-operation.ts';
import { requireEncryptionAlgorithm, requireSignatureAlgorithm } from './key-algorithm-rules.ts';
import { type KeyDoc, type KeyVersion, privateKeyContext } from './key-doc.ts';
import {
  keyDisabled,
  keyExpired,
  keyNotYetValid,
  operationNotPermitted,
  randomBytesCountOutOfRange,
} from './key-errors.ts';
import {
  keyOperationInput,
  keySignInput,
  keyVerifyInput,
  MAX_RANDOM_BYTES,
  randomBytesInput,
} from './key-operation-input.ts';
import type { KeyOperation } from './key-types.ts';

/** The result of encrypt, decrypt, wrap, unwrap and sign: the version that did it, and the bytes. */
export interface KeyOperationResult {
  version: string;
  value: Buffer;
}

type CipherOperation = 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey';

/** Operations refused outside `nbf`..`exp`; decrypt, unwrap and verify still work there (KD). */
const NEEDS_VALIDITY: ReadonlySet<KeyOperation> = new Set(['encrypt', 'wrapKey', 'sign']);

/**
 * Cryptography with stored keys. Checks, in order: the key exists (404), the operation is in its
 * `key_ops` (403), it is enabled (403), it is inside its validity window when the operation needs
 * that (403), the algorithm suits the key and the digest suits the algorithm (400). Then the engine
 * (worker threads in a region) unseals the private key if it does not hold it yet, and runs the
 * operation; the key never comes back out.
 */
export class KeyCryptography {
  readonly #repository: ObjectRepository<KeyDoc>;
  readonly #sealer: Sealer;
  readonly #engine: CryptoEngine;

  constructor(
    repository: ObjectRepository<KeyDoc>,
    sealer: Sealer,
    engine: CryptoEngine = new InlineCryptoEngine(),
  ) {
    this.#repository = repository;
    this.#sealer = sealer;
    this.#engine = engine;
  }

  encrypt(vault: string, name: string, version: string | undefined, body: unknown) {
    return this.#cipher(vault, name, version, body, 'encrypt');
  }

  decrypt(vault: string, name: string, version: string | undefined, body: unknown) {
    return this.#cipher(vault, name, version, body, 'decrypt');
  }

  wrapKey(vault: string, name: string, version: string | undefined, body: unknown) {
    return this.#cipher(vault, name, version, body, 'wrapKey');
  }

  unwrapKey(vault: string, name: string, version: string | undefined, body: unknown) {
    return this.#cipher(vault, name, version, body, 'unwrapKey');
  }

  /** Signs a digest the caller computed; the digest length must match the algorithm's hash. */
  async sign(
    vault: string,
    name: string,
    version: string | undefined,
    body: unknown,
  ): Promise<KeyOperationResult> {
    const input = parseInput(keySignInput, body, 'sign request');
    const key = await this.#usable(vault, name, version, 'sign');
    const algorithm = requireSignatureAlgorithm(input.alg, key.doc, input.value);
    return {
      version: key.version,
      value: await this.#bytes(vault, key, { op: 'sign', algorithm, digest: input.value }),
    };
  }

  /** Whether `value` is a valid signature of `digest`; a malformed signature is simply not valid. */
  async verify(vault: string, name: string, version: string | undefined, body: unknown) {
    const input = parseInput(keyVerifyInput, body, 'verify request');
    const key = await this.#usable(vault, name, version, 'verify');
    const algorithm = requireSignatureAlgorithm(input.alg, key.doc, input.digest);
    const request: CryptoRequest = { op: 'verify', algorithm, digest: input.digest, signature: input.value };
    return { version: key.version, valid: (await this.#engine.run(this.#ref(vault, key), request)) === true };
  }

  /** `count` (1–128) bytes from the CSPRNG. */
  randomBytes(body: unknown): Buffer {
    const { count } = parseInput(randomBytesInput, body, 'random bytes request');
    if (count < 1 || count > MAX_RANDOM_BYTES) throw randomBytesCountOutOfRange();
    return randomBytes(count);
  }

  /** Ends the engine's workers, if it has any. */
  close(): Promise<void> {
    return this.#engine.close();
  }

  async #cipher(
    vault: string,
    name: string,
    version: string | undefined,
    body: unknown,
    operation: CipherOperation,
  ): Promise<KeyOperationResult> {
    const input = parseInput(keyOperationInput, body, `${operation} request`);
    const key = await this.#usable(vault, name, version, operation);
    const algorithm = requireEncryptionAlgorithm(input.alg, key.doc);
    const op = operation === 'encrypt' || operation === 'wrapKey' ? 'encrypt' : 'decrypt';
    return {
      version: key.version,
      value: await this.#bytes(vault, key, { op, algorithm, data: input.value }),
    };
  }

  /** The key version, once it may run `operation` now. */
  async #usable(vault: string, name: string, version: string | undefined, operation: KeyOperation) {
    const key = await this.#repository.version(vault, requireObjectName(name), version);
    const { attributes, keyOps } = key.doc;
    if (!keyOps.includes(operation)) throw operationNotPermitted(operation);
    if (!attributes.enabled) throw keyDisabled(operation);
    if (NEEDS_VALIDITY.has(operation)) {
      const now = this.#repository.nowSeconds();
      if (attributes.nbf !== undefined && now < attributes.nbf)
        throw keyNotYetValid(operation, attributes.nbf);
      if (attributes.exp !== undefined && now >= attributes.exp) throw keyExpired(operation, attributes.exp);
    }
    return key;
  }

  async #bytes(vault: string, key: KeyVersion, request: CryptoRequest): Promise<Buffer> {
    const result = await this.#engine.run(this.#ref(vault, key), request);
    if (typeof result === 'boolean') throw new Error(`${request.op} answered a boolean`);
    return result;
  }

  #ref(vault: string, key: KeyVersion): KeyRef {
    const id = privateKeyContext(vault, key.name, key.version);
    const sealed = key.doc.privateKey;
    const curve = 'crv' in key.doc.publicJwk ? key.doc.publicJwk.crv : undefined;
    return { id, sealed, curve, unseal: () => this.#sealer.open(sealed, id) };
  }
}
