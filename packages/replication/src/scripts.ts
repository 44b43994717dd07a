import { loadLua, scriptDefiner } from '@vaultover/vault';
import type { Redis } from 'ioredis';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`./lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** An ioredis client that knows replication's Lua scripts. */
export type ReplicationRedis = Redis & {
  replApplyBatch(numKeys: number, ...keysAndArgs: string[]): Reply;
  /** `stagingKeys` and `payloads` each go as one array (ioredis flattens them). */
  replRestorePage(numKeys: number, stagingKeys: string[], payloads: Buffer[]): Reply;
  /** EVAL_RO with the reply in bytes: ioredis defines it for every command but leaves it out of its types. */
  eval_roBuffer(script: string, numKeys: number, keys: string[]): Promise<(Buffer | null)[]>;
  replSwapStaged(
    checkpointKey: string,
    prefix: string,
    staging: string,
    position: string,
    time: string,
  ): Reply;
};

/**
 * The page reader of a full resync, run on the primary with EVAL_RO rather than defined like the others:
 * the replicator's Redis user may only read the primary's vault keys, and Redis demands read and write
 * access to every key a plain EVAL declares, but only read access for EVAL_RO's.
 */
export const DUMP_PAGE_LUA = lua('dump-page.lua').lua;

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const replicationRedis = scriptDefiner<ReplicationRedis>({
  // The vault's op dispatch (its lua/ops.lua) goes in front: an entry is applied as it was committed.
  replApplyBatch: lua('apply-batch.lua', { withOps: true }),
  replRestorePage: lua('restore-page.lua'),
  replSwapStaged: lua('swap-staged.lua', { numberOfKeys: 1 }),
});
