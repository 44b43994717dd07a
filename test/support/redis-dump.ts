import { type RedisClient, scanKeys } from '@vaultover/foundation/redis';

/** Everything stored under one key: its type and its content as raw bytes, in a canonical order. */
export interface KeyDump {
  key: string;
  type: string;
  /** Hash: field, value, field, value… sorted by field. Zset: member, score… in rank order. Set: sorted
   *  members. List: elements. String: the value. Stream: id, field, value… per entry in order. */
  parts: Buffer[];
}

/** Every key matching `match` (a SCAN glob), with its full content, sorted by key. */
export async function dumpKeys(redis: RedisClient, match = '*'): Promise<KeyDump[]> {
  const keys = new Set<string>();
  for await (const batch of scanKeys(redis, match)) for (const key of batch) keys.add(key);
  const dumps: KeyDump[] = [];
  for (const key of [...keys].sort()) {
    const type = await redis.type(key);
    dumps.push({ key, type, parts: await contentOf(redis, key, type) });
  }
  return dumps;
}

async function contentOf(redis: RedisClient, key: string, type: string): Promise<Buffer[]> {
  switch (type) {
    case 'string':
      return [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
    case 'hash': {
      const flat = await redis.hgetallBuffer(key);
      return Object.keys(flat)
        .sort()
        .flatMap((field) => [Buffer.from(field), flat[field] as Buffer]);
    }
    case 'zset':
      return redis.zrangeBuffer(key, '0', '-1', 'WITHSCORES');
    case 'set':
      return (await redis.smembersBuffer(key)).sort(Buffer.compare);
    case 'list':
      return redis.lrangeBuffer(key, 0, -1);
    case 'stream': {
      const entries = (await redis.xrangeBuffer(key, '-', '+')) as unknown as [Buffer, Buffer[]][];
      return entries.flatMap(([id, fields]) => [id, ...fields]);
    }
    case 'none':
      return [];
    default:
      throw new Error(`dumpKeys: no reader for type ${type} of ${key}`);
  }
}

/** A dump as comparable text (`key type hex…` per line), with `prefix` stripped from key names. */
export function canonical(dumps: readonly KeyDump[], prefix = ''): string {
  return dumps
    .map((d) => {
      const key = d.key.startsWith(prefix) ? d.key.slice(prefix.length) : d.key;
      return `${key} ${d.type} ${d.parts.map((p) => p.toString('hex')).join(' ')}`;
    })
    .join('\n');
}
