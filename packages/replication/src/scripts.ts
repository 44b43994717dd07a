import { loadLua, scriptDefiner } from '@vaultover/vault';
import type { Redis } from 'ioredis';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`./lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** An ioredis client that knows replication's Lua scripts. */
export type ReplicationRedis = Redis & {
  replApplyBatch(numKeys: number, ...keysAndArgs: string[]): Reply;
  replSwapStaged(
    checkpointKey: string,
    prefix: string,
    staging: string,
    position: string,
    time: string,
  ): Reply;
};

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const replicationRedis = scriptDefiner<ReplicationRedis>({
  // The vault's op dispatch (its lua/ops.lua) goes in front: an entry is applied as it was committed.
  replApplyBatch: lua('apply-batch.lua', { withOps: true }),
  replSwapStaged: lua('swap-staged.lua', { numberOfKeys: 1 }),
});
