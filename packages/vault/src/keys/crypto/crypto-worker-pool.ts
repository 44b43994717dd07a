import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CryptoEngine, KeyRef } from './crypto-engine.ts';
import { restoreError, type WorkReply, type WorkRequest } from './crypto-worker-protocol.ts';
import type { CryptoRequest } from './key-operation.ts';

interface Pending {
  key: KeyRef;
  /** sealedTag(key), computed once. */
  tag: string;
  request: CryptoRequest;
  resolve(result: Buffer | boolean): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker | undefined;
  pending: Map<number, Pending>;
  /** Key versions (`id` and sealed form) whose DER went to this worker, oldest first. */
  shipped: Map<string, true>;
}

/** As many as a worker's cache holds; if it evicted one anyway, it asks again (`needKey`). */
const SHIPPED_CAPACITY = 1024;

/** One worker per spare core, up to four: the main thread keeps a core for HTTPS and Redis. */
export function defaultCryptoWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Cryptographic operations on worker threads, so that a region's event loop never stalls for RSA
 * arithmetic (an RSA-2048 signature takes ~0.8 ms of CPU, RSA-4096 ~6 ms) and several cores can sign
 * at once. A request goes to the worker with the fewest in flight; a worker that does not hold the
 * key version yet answers `needKey` and gets the unsealed DER once. Workers are unref'd: they never
 * keep a process alive; `close` ends them.
 */
export class CryptoWorkerPool implements CryptoEngine {
  readonly #slots: Slot[];
  #nextId = 1;
  #closed = false;

  constructor(size = defaultCryptoWorkers()) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a crypto worker pool needs 1 or more workers, got ${size}`);
    this.#slots = Array.from({ length: size }, () => ({
      worker: undefined,
      pending: new Map(),
      shipped: new Map(),
    }));
  }

  get size(): number {
    return this.#slots.length;
  }

  run(key: KeyRef, request: CryptoRequest): Promise<Buffer | boolean> {
    if (this.#closed) return Promise.reject(new Error('the crypto worker pool is closed'));
    const slot = this.#slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.#nextId++;
    const tag = sealedTag(key);
    return new Promise((resolve, reject) => {
      const pending = { key, tag, request, resolve, reject };
      slot.pending.set(id, pending);
      // The first request for a key carries its DER, so concurrent first uses cost one unseal.
      if (slot.shipped.has(`${key.id}\n${tag}`)) {
        this.#post(slot, { id, keyId: key.id, sealed: tag, curve: key.curve, request });
      } else {
        this.#ship(slot, id, pending);
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.worker?.terminate()));
  }

  #post(slot: Slot, message: WorkRequest): void {
    this.#workerOf(slot).postMessage(message);
  }

  /** Sends request `id` with the key's DER, unsealed now; an unseal failure fails just this request. */
  #ship(slot: Slot, id: number, pending: Pending): void {
    const { key, tag, request } = pending;
    let der: Buffer;
    try {
      der = key.unseal();
    } catch (error) {
      slot.pending.delete(id);
      pending.reject(error as Error);
      return;
    }
    this.#post(slot, { id, keyId: key.id, sealed: tag, curve: key.curve, der, request });
    der.fill(0); // postMessage copied it
    const shipped = `${key.id}\n${tag}`;
    slot.shipped.delete(shipped);
    slot.shipped.set(shipped, true);
    if (slot.shipped.size > SHIPPED_CAPACITY) {
      const oldest = slot.shipped.keys().next().value;
      if (oldest !== undefined) slot.shipped.delete(oldest);
    }
  }

  #workerOf(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = new Worker(new URL('./crypto-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (reply: WorkReply) => this.#settle(slot, reply));
    // A worker that dies takes its requests with it; the next request starts a new one.
    const fail = (error: Error) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.shipped.clear();
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`crypto worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  #settle(slot: Slot, reply: WorkReply): void {
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    if ('needKey' in reply) {
      this.#ship(slot, reply.id, pending);
      return;
    }
    slot.pending.delete(reply.id);
    if ('error' in reply) pending.reject(restoreError(reply.error));
    else if ('valid' in reply) pending.resolve(reply.valid);
    else pending.resolve(Buffer.from(reply.value.buffer, reply.value.byteOffset, reply.value.byteLength));
  }
}

/** A short identity of the sealed form (random IV: a new one per seal), so messages and maps stay small. */
function sealedTag(key: KeyRef): string {
  return createHash('sha256').update(key.sealed).digest('base64url');
}
