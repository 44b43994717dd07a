import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

// Lua scripts, loaded once and run with EVALSHA by ioredis (it falls back to EVAL after a SCRIPT FLUSH).
const lua = (file: string) => readFileSync(new URL(`../lua/${file}`, import.meta.url), 'utf8');
const SCRIPTS = {
  vaultCommit: lua('commit.lua'),
  vaultReadHead: lua('read-head.lua'),
  vaultReadHeads: lua('read-heads.lua'),
};

type Reply = Promise<unknown>;

/** An ioredis client that knows the vault's Lua scripts. */
export type VaultRedis = Redis & {
  vaultCommit(numKeys: number, ...keysAndArgs: string[]): Reply;
  vaultReadHead(key: string): Reply;
  vaultReadHeads(numKeys: number, ...keys: string[]): Reply;
};

const defined = new WeakSet<Redis>();

/** Registers the scripts on `redis` (once per client) and returns it typed. */
export function vaultRedis(redis: Redis): VaultRedis {
  if (!defined.has(redis)) {
    redis.defineCommand('vaultCommit', { lua: SCRIPTS.vaultCommit });
    redis.defineCommand('vaultReadHead', { lua: SCRIPTS.vaultReadHead, numberOfKeys: 1 });
    redis.defineCommand('vaultReadHeads', { lua: SCRIPTS.vaultReadHeads });
    defined.add(redis);
  }
  return redis as VaultRedis;
}
