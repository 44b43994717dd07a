import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

// Lua scripts, loaded once per client and run with EVALSHA by ioredis.
const lua = (file: string) => readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
const SCRIPTS = {
  replApplyBatch: lua('apply-batch.lua'),
  replSnapshot: lua('snapshot.lua'),
  replInstallSnapshot: lua('install-snapshot.lua'),
};

type Reply = Promise<unknown>;

/** An ioredis client that knows replication's Lua scripts. */
export type ReplicationRedis = Redis & {
  replApplyBatch(numKeys: number, ...keysAndArgs: string[]): Reply;
  /** Binary variant (ioredis adds `…Buffer` to every defined command): DUMP payloads are bytes. */
  replSnapshotBuffer(posKey: string, streamKey: string, prefix: string): Promise<Buffer[]>;
  /** `args` is sent as one array (ioredis flattens it). */
  replInstallSnapshot(checkpointKey: string, args: (string | Buffer)[]): Reply;
};

const defined = new WeakSet<Redis>();

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export function replicationRedis(redis: Redis): ReplicationRedis {
  if (!defined.has(redis)) {
    redis.defineCommand('replApplyBatch', { lua: SCRIPTS.replApplyBatch });
    redis.defineCommand('replSnapshot', { lua: SCRIPTS.replSnapshot, numberOfKeys: 2 });
    redis.defineCommand('replInstallSnapshot', { lua: SCRIPTS.replInstallSnapshot, numberOfKeys: 1 });
    defined.add(redis);
  }
  return redis as ReplicationRedis;
}
