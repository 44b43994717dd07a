import { loadLua, scriptDefiner } from '@vaultover/vault';
import type { Redis } from 'ioredis';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`./lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** An ioredis client that knows replication's Lua scripts. */
export type ReplicationRedis = Redis & {
  replApplyBatch(numKeys: number, ...keysAndArgs: string[]): Reply;
  /** `args` is sent as one array (ioredis flattens it). */
  replInstallSnapshot(checkpointKey: string, args: (string | Buffer)[]): Reply;
  /**
   * EVAL_RO with the reply in bytes. ioredis defines it for every command but leaves it out of its
   * types; `callBuffer('EVAL_RO', …)` would do, except that under auto-pipelining ioredis 6 drops the
   * command's name from a `call`.
   */
  eval_roBuffer(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
};

/**
 * The snapshot script, run on the primary with EVAL_RO rather than defined like the others: the
 * replicator's Redis user may only read the primary's vault keys, and Redis demands read and write access
 * to every key a plain EVAL declares, but only read access for EVAL_RO's (docs/architecture.md, Redis users).
 */
export const SNAPSHOT_LUA = lua('snapshot.lua').lua;

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const replicationRedis = scriptDefiner<ReplicationRedis>({
  // The vault's op dispatch (its lua/ops.lua) goes in front: an entry is applied as it was committed.
  replApplyBatch: lua('apply-batch.lua', { withOps: true }),
  replInstallSnapshot: lua('install-snapshot.lua', { numberOfKeys: 1 }),
});
