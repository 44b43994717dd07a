import type { LoadClientSpec } from '@vaultover/load';
import type { LoadResult } from '../load/load-spec.ts';

/** The secret operations both drivers mix, by weight (`{ get: 8, set: 2 }` is 80 % reads). */
export type SecretMix = Partial<Record<'get' | 'set', number>>;

/**
 * What an SDK child calls, set up once; it then runs a window each time it is asked.
 *
 * `bare`: a SecretClient and a minimal closed loop, nothing else. `generator`: packages/load's public
 * API (prepareLoad once; start and stop around each window), every record kept as a run keeps them.
 * Both build the client the same way: VaultoverCredential over the region's data directory, the
 * region's CA trusted.
 */
export type SdkChildConfig = SdkTarget & SdkDriver;

/** Which driver calls, and what. */
export type SdkDriver =
  | { driver: 'bare'; mix: SecretMix; concurrency: number }
  | { driver: 'generator'; clients: LoadClientSpec[] };

export interface SdkTarget {
  /** `https://localhost:<port>`: the region's default vault. */
  vaultUrl: string;
  caPem: string;
  /** The region's data directory, whose signing key the credential signs tokens with. */
  dataDir: string;
}

/** One window: calls run for the warm-up, then for the measured duration. */
export interface SdkWindow {
  warmupMs: number;
  durationMs: number;
}

/** How closely an open loop kept to its schedule over the window, from its call records. */
export interface OpenLoopFigures {
  /** Calls per second the clients ask for, all together. */
  askedPerSecond: number;
  /** Calls started inside the window, per second. */
  startedPerSecond: number;
  /** Calls due but not started because too many were in flight (packages/load's `dropped`), whole run. */
  dropped: number;
  /** How late calls started against their due time (the first call's start + n / rate), ms. */
  lateP50Ms: number;
  lateP99Ms: number;
  lateMaxMs: number;
}

/** What one SDK window measured; `open` for a generator whose clients are open loops. */
export interface SdkLoadResult extends LoadResult {
  open?: OpenLoopFigures;
}
