import { createHash } from 'node:crypto';
import { vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { isStateKey } from './replication-keys.ts';

const SCAN_COUNT = 1000;

/**
 * The digest of a vault's full logical state, the same in every region: its state keys (the log, the
 * position counter and `repl:*` excluded), sorted by name relative to the vault prefix, each encoded
 * as `[name, type, content]` with content in a canonical order (hash fields sorted, sorted sets in
 * their order with scores), JSON-encoded, sha256 hex. A vault with no keys has the digest of `[]`.
 *
 * One SCAN pass, then per page of names one pipeline for types and one for contents, hashed as they
 * come: a few round trips per thousand keys, and memory for the names and one page, whatever the
 * vault's size. Not atomic: compare digests when no writes are in flight (lag 0).
 */
export async function vaultDigest(redis: Redis, vault: string): Promise<string> {
  const prefix = vaultPrefix(vault);
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const relative = key.slice(prefix.length);
      if (isStateKey(relative)) names.push(relative);
    }
    cursor = next;
  } while (cursor !== '0');
  names.sort();
  // The JSON of the whole list of records, written a record at a time.
  const hash = createHash('sha256').update('[');
  for (let start = 0; start < names.length; start += SCAN_COUNT) {
    const page = names.slice(start, start + SCAN_COUNT);
    const types = await exec(redis.pipeline(page.map((n) => ['type', prefix + n])));
    const reads = redis.pipeline();
    page.forEach((name, i) => {
      const key = prefix + name;
      const type = types[i];
      if (type === 'hash') reads.hgetall(key);
      else if (type === 'zset') reads.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'string') reads.get(key);
      else if (type === 'set') reads.smembers(key);
      else if (type === 'list') reads.lrange(key, '0', '-1');
      else reads.type(key); // streams or vanished keys: the type alone
    });
    const contents = await exec(reads);
    page.forEach((name, i) => {
      const record = [name, types[i], canonicalContent(types[i], contents[i])];
      hash.update(`${start + i > 0 ? ',' : ''}${JSON.stringify(record)}`);
    });
  }
  return hash.update(']').digest('hex');
}

function canonicalContent(type: unknown, content: unknown): unknown {
  if (type === 'hash') {
    const hash = content as Record<string, string>;
    return Object.keys(hash)
      .sort()
      .map((field) => [field, hash[field]]);
  }
  if (type === 'set') return [...(content as string[])].sort();
  return content;
}

async function exec(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
