import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadLua, scriptDefiner } from './lua-scripts.ts';

const LUA = new URL('../lua/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, LUA), 'utf8');

describe('loadLua', () => {
  it('puts ops.lua in front of a script that applies ops, and nothing in front of the others', () => {
    const commit = loadLua(new URL('commit.lua', LUA), { withOps: true });
    expect(commit.lua).toBe(`${read('ops.lua')}\n${read('commit.lua')}`);
    expect(loadLua(new URL('read-head.lua', LUA), { numberOfKeys: 1 })).toEqual({
      lua: read('read-head.lua'),
      numberOfKeys: 1,
    });
  });

  it('finds the op dispatch in ops.lua alone', () => {
    // commit.lua's one SET of its own is the commit's result under its idempotency key (KEYS[3]):
    // no vault state, so not an op a secondary must apply.
    const ownResult = /redis\.call\('SET', KEYS\[3\], position, 'PX', ARGV\[8\]\)/;
    const writers = readdirSync(LUA)
      .filter((file) => file.endsWith('.lua'))
      .filter((file) => /redis\.call\('(HSET|HDEL|ZADD|ZREM|SET)'/.test(read(file).replace(ownResult, '')));
    expect(writers).toEqual(['ops.lua']);
  });
});

describe('scriptDefiner', () => {
  it('defines every script once per client', () => {
    const defined: [string, unknown][] = [];
    const client = { defineCommand: (name: string, spec: unknown) => defined.push([name, spec]) };
    const define = scriptDefiner({ one: { lua: 'return 1' }, two: { lua: 'return 2', numberOfKeys: 1 } });
    expect(define(client as unknown as Redis)).toBe(client);
    define(client as unknown as Redis);
    expect(defined).toEqual([
      ['one', { lua: 'return 1' }],
      ['two', { lua: 'return 2', numberOfKeys: 1 }],
    ]);
  });
});
