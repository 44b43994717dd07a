import type { RedisInstance } from '@vaultover/local-redis';
import { Redis } from 'ioredis';
import { type RunningChild, startChild } from '../child/start-child.ts';
import { startApplyObserver } from './apply-observer.ts';
import type { BareRelayConfig } from './bare-relay-child.ts';
import type { LagTarget } from './lag-probe.ts';

// The same client options as the other writers, so all three pay the same per write.
const CLIENT_OPTIONS = { maxRetriesPerRequest: 2, connectTimeout: 2000, enableAutoPipelining: true };
const STREAM = 'bare:stream';
const KEY_PATTERN = '^bare:([A-Za-z0-9]+):(\\d+)$';
// notify-keyspace-events is one setting per server, and the secondary's Redis is shared with the
// vault pair, whose observer needs `h`: whichever observer starts last must keep both classes.
const SECONDARY_FLAGS = 'E$h';
const START_TIMEOUT_MS = 30_000;

/** The floor of a relay process: a stream on the primary's Redis copied by plain SETs to the secondary's. */
export interface BarePair extends LagTarget {
  /** The relay child, the process that applies. */
  readonly relayPid: number;
  /** The process that hears the secondary's applies. */
  readonly observerPid: number;
  /** Stops the relay (before the primary is emptied for the resync); close() stops it too. */
  stopRelay(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Uses the vault pair's own two Redis servers under the `bare:` prefix, so the floor pays the same
 * servers, the same loopback and the same machine as ours. The writer does
 * `XADD bare:stream * k bare:<prefix>:<seq> v <value>`; an item is applied when the relay's SET of
 * that key runs on the secondary, heard as a `set` keyevent there, as for native.
 */
export async function startBarePair(
  primary: RedisInstance,
  secondary: RedisInstance,
  valueBytes: number,
): Promise<BarePair> {
  const relay: RunningChild<Record<string, never>> = await startChild({
    name: 'bare-relay',
    entry: new URL('./bare-relay-child.ts', import.meta.url),
    config: {
      primaryUrl: primary.url,
      secondaryUrl: secondary.url,
      stream: STREAM,
    } satisfies BareRelayConfig,
    server: true,
    readyTimeoutMs: START_TIMEOUT_MS,
  });
  const observer = await startApplyObserver('bare-observer', {
    url: secondary.url,
    flags: SECONDARY_FLAGS,
    event: 'set',
    pattern: KEY_PATTERN,
  });
  const writer = new Redis(primary.url, CLIENT_OPTIONS);
  const padding = 'v'.repeat(valueBytes);
  return {
    write: (prefix, seq) =>
      writer.xadd(
        STREAM,
        '*',
        'k',
        `bare:${prefix}:${seq}`,
        'v',
        `${Date.now()}:${padding}`.slice(0, valueBytes),
      ),
    relayPid: relay.pid,
    observerPid: observer.pid,
    onApplied: (callback) => observer.onApplied(callback),
    stopRelay: () => relay.stop(),
    async close() {
      await observer.stop();
      await relay.stop();
      writer.disconnect();
    },
  };
}
