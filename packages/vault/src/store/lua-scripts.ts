import { readFileSync } from 'node:fs';
import type { RedisClient } from '@vaultover/foundation/redis';

/** A Lua script as ioredis defines it: its source, and how many of its arguments are keys (else the caller says). */
export interface LuaScript {
  readonly lua: string;
  readonly numberOfKeys?: number;
}

// The op dispatch commit.lua and replication's apply-batch.lua share (OPS, reply_error).
const OPS_FRAGMENT = readFileSync(new URL('../lua/ops.lua', import.meta.url), 'utf8');

/**
 * Reads the Lua script at `file`; with `withOps`, lua/ops.lua is put in front of it: Redis scripts
 * cannot import, so the one copy of the op dispatch is composed into each script that needs it here.
 */
export function loadLua(file: URL, options: { withOps?: boolean; numberOfKeys?: number } = {}): LuaScript {
  const body = readFileSync(file, 'utf8');
  const lua = options.withOps ? `${OPS_FRAGMENT}\n${body}` : body;
  return options.numberOfKeys === undefined ? { lua } : { lua, numberOfKeys: options.numberOfKeys };
}

/**
 * A function that defines `scripts` on a client (once per client; ioredis runs them with EVALSHA and
 * falls back to EVAL after a SCRIPT FLUSH) and returns the client typed as `Client`.
 */
export function scriptDefiner<Client extends RedisClient>(
  scripts: Readonly<Record<string, LuaScript>>,
): (redis: RedisClient) => Client {
  const defined = new WeakSet<RedisClient>();
  return (redis) => {
    if (!defined.has(redis)) {
      for (const [name, script] of Object.entries(scripts)) redis.defineCommand(name, script);
      defined.add(redis);
    }
    return redis as Client;
  };
}
