/** The operation a bare-crypto run repeats: the same work a region does for one crypto request. */
export type BareOperation = 'rsa-2048-sign' | 'rsa-2048-decrypt' | 'ec-p256-sign';

/** One bare-crypto run: `operation` repeated by `concurrency` workers for a fixed time. */
export interface BareCryptoSpec {
  operation: BareOperation;
  /**
   * `sync`: node:crypto's synchronous calls on the main thread, as the region makes them.
   * `pool`: the callback forms, which run on libuv's thread pool (all cores); RSA-OAEP decryption
   * has no such form, so `pool` applies to signatures only.
   */
  mode: 'sync' | 'pool';
  /** Operations in flight at once (the load generator's connections). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}
