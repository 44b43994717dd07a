import type { RedisClient } from '@vaultover/foundation/redis';
import type { ChainableCommander } from 'ioredis';
import { loadLua, scriptDefiner } from './lua-scripts.ts';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`../lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** A store client (one server or a cluster) that knows the vault's Lua scripts. */
export type VaultRedis = RedisClient & {
  vaultCommit(numKeys: number, ...keysAndArgs: string[]): Reply;
  vaultReadHead(key: string): Reply;
  vaultReadHeads(numKeys: number, ...keys: string[]): Reply;
};

/** A pipeline of a VaultRedis: ioredis gives a pipeline every command defined on its client. */
export type VaultPipeline = ChainableCommander & {
  vaultCommit(numKeys: number, ...keysAndArgs: string[]): VaultPipeline;
};

/** A pipeline of `redis` that knows the commit script too (on a cluster, one node's: of its keys' slot). */
export function vaultPipeline(redis: VaultRedis): VaultPipeline {
  return redis.pipeline() as VaultPipeline;
}

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const vaultRedis = scriptDefiner<VaultRedis>({
  vaultCommit: lua('commit.lua', { withOps: true }),
  vaultReadHead: lua('read-head.lua', { numberOfKeys: 1 }),
  vaultReadHeads: lua('read-heads.lua'),
});
