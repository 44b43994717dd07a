import type { Redis } from 'ioredis';
import { loadLua, scriptDefiner } from './lua-scripts.ts';

const lua = (file: string, options?: Parameters<typeof loadLua>[1]) =>
  loadLua(new URL(`../lua/${file}`, import.meta.url), options);

type Reply = Promise<unknown>;

/** An ioredis client that knows the vault's Lua scripts. */
export type VaultRedis = Redis & {
  vaultCommit(numKeys: number, ...keysAndArgs: string[]): Reply;
  vaultReadHead(key: string): Reply;
  vaultReadHeads(numKeys: number, ...keys: string[]): Reply;
};

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export const vaultRedis = scriptDefiner<VaultRedis>({
  vaultCommit: lua('commit.lua', { withOps: true }),
  vaultReadHead: lua('read-head.lua', { numberOfKeys: 1 }),
  vaultReadHeads: lua('read-heads.lua'),
});
