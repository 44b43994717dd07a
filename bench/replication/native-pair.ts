import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisInstance } from '@vaultover/local-redis';
import { Redis } from 'ioredis';
import { startApplyObserver } from './apply-observer.ts';
import type { LagTarget } from './lag-probe.ts';

// The same client options as the region node's Redis client, so both writers pay the same.
const CLIENT_OPTIONS = { maxRetriesPerRequest: 2, connectTimeout: 2000, enableAutoPipelining: true };
const SYNC_TIMEOUT_MS = 30_000;
const KEY_PATTERN = '^native:([A-Za-z0-9]+):(\\d+)$';

/** Redis's own replication: a master and a replica (`REPLICAOF`), the yardstick for ours. */
export interface NativePair extends LagTarget {
  /** The process that hears the replica's applies. */
  readonly observerPid: number;
  close(): Promise<void>;
}

/**
 * Makes `replica` a replica of `master`, waits for the initial sync, and writes `SET native:<prefix>:<seq>`
 * (a value of `valueBytes` holding the send time) on the master; an item is applied when the replica
 * runs the SET, heard as a `set` keyevent on the replica.
 */
export async function startNativePair(
  master: RedisInstance,
  replica: RedisInstance,
  valueBytes: number,
): Promise<NativePair> {
  const control = new Redis(replica.url);
  try {
    // Embedded servers refuse clients without credentials, a replica included: it syncs as the admin
    // user its master's URL carries.
    const { username, password } = new URL(master.url);
    await control.config('SET', 'masteruser', decodeURIComponent(username));
    await control.config('SET', 'masterauth', decodeURIComponent(password));
    await control.replicaof(master.host, master.port);
    await waitForSync(control);
  } finally {
    control.disconnect();
  }
  const writer = new Redis(master.url, CLIENT_OPTIONS);
  const observer = await startApplyObserver('native-observer', {
    url: replica.url,
    flags: 'E$',
    event: 'set',
    pattern: KEY_PATTERN,
  });
  const padding = 'v'.repeat(valueBytes);
  return {
    write: (prefix, seq) =>
      writer.set(`native:${prefix}:${seq}`, `${Date.now()}:${padding}`.slice(0, valueBytes)),
    observerPid: observer.pid,
    onApplied: (callback) => observer.onApplied(callback),
    async close() {
      await observer.stop();
      writer.disconnect();
    },
  };
}

async function waitForSync(replica: Redis): Promise<void> {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const info = await replica.info('replication');
    if (info.includes('master_link_status:up') && info.includes('master_sync_in_progress:0')) return;
    await sleep(50);
  }
  throw new Error(`the native replica did not sync with its master within ${SYNC_TIMEOUT_MS} ms`);
}
