// Bench child: the floor of any replicator that runs as a Node process between two Redis servers.
// It relays one stream from the primary's Redis to the secondary's with the least work such a
// process can do: a blocking XREAD, then one pipelined round trip of plain SETs, and again. No Lua,
// no checkpoint, no acknowledgement, no vault code: what lag remains is the architecture's own.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { runAsChild } from '../child/child-protocol.ts';

/** What the orchestrator tells the relay. */
export interface BareRelayConfig {
  /** The primary's Redis, which holds the stream. */
  primaryUrl: string;
  /** The secondary's Redis, which receives the SETs. */
  secondaryUrl: string;
  stream: string;
}

// The replicator's own batch and block settings, so both loops wake and batch alike.
const COUNT = 512;
const BLOCK_MS = 1000;
// After a failed round, a pause so a broken connection does not spin a core.
const RETRY_MS = 100;

type StreamReply = [string, [string, string[]][]][] | null;

runAsChild<BareRelayConfig, Record<string, never>>(async (config) => {
  // Its own connections: the blocking read must not hold up the SETs' replies, nor the reverse.
  const primary = new Redis(config.primaryUrl);
  const secondary = new Redis(config.secondaryUrl);
  await Promise.all([primary.ping(), secondary.ping()]);
  const state = { stopping: false };
  const loop = relay(primary, secondary, config.stream, state);
  return {
    info: {},
    close: async () => {
      state.stopping = true;
      // Disconnecting ends the blocked XREAD at once instead of after up to BLOCK_MS.
      primary.disconnect();
      await loop;
      secondary.disconnect();
    },
  };
});

/** Reads from the stream's start (the primary is fresh), so no entry written before the first read is lost. */
async function relay(
  primary: Redis,
  secondary: Redis,
  stream: string,
  state: { stopping: boolean },
): Promise<void> {
  let lastId = '0-0';
  while (!state.stopping) {
    try {
      lastId = await relayOnce(primary, secondary, stream, lastId);
    } catch (error) {
      if (state.stopping) return;
      process.stderr.write(`bare relay: ${String(error)}\n`);
      await sleep(RETRY_MS);
    }
  }
}

/** One read and one pipelined apply; returns the id to read after. */
async function relayOnce(primary: Redis, secondary: Redis, stream: string, lastId: string): Promise<string> {
  const reply = (await primary.xread(
    'COUNT',
    COUNT,
    'BLOCK',
    BLOCK_MS,
    'STREAMS',
    stream,
    lastId,
  )) as StreamReply;
  const entries = reply?.[0]?.[1] ?? [];
  if (entries.length === 0) return lastId;
  const pipeline = secondary.pipeline();
  for (const [, fields] of entries) pipeline.set(field(fields, 'k'), field(fields, 'v'));
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return entries[entries.length - 1]?.[0] ?? lastId;
}

function field(fields: string[], name: string): string {
  const at = fields.indexOf(name);
  return at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? '') : '';
}
