import { loadLua, scriptDefiner } from '@vaultover/vault';
import type { Redis } from 'ioredis';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`./lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** An ioredis client that knows replication's Lua scripts. */
export type ReplicationRedis = Redis & {
  replApplyBatch(numKeys: number, ...keysAndArgs: string[]): Reply;
  /** Binary variant (ioredis adds `…Buffer` to every defined command): DUMP payloads are bytes. */
  replSnapshotBuffer(posKey: string, streamKey: string, prefix: string): Promise<Buffer[]>;
  /** `args` is sent as one array (ioredis flattens it). */
  replInstallSnapshot(checkpointKey: string, args: (string | Buffer)[]): Reply;
};

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const replicationRedis = scriptDefiner<ReplicationRedis>({
  // The vault's op dispatch (its lua/ops.lua) goes in front: an entry is applied as it was committed.
  replApplyBatch: lua('apply-batch.lua', { withOps: true }),
  replSnapshot: lua('snapshot.lua', { numberOfKeys: 2 }),
  replInstallSnapshot: lua('install-snapshot.lua', { numberOfKeys: 1 }),
});
