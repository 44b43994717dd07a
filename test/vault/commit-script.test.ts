import { randomBytes, randomUUID } from 'node:crypto';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import {
  CHANGE_NOTICES_KEY,
  CommitScriptError,
  commitResultKey,
  commitScriptError,
  logKeys,
  vaultPrefix,
  vaultRedis,
} from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What lua/commit.lua replies when a mutation holds an op or a guard it does not know: an error reply
// whose first word is the code, read by the committer; and nothing written. And what it does with a
// commit sent twice under one idempotency key: the first run's result, one write (and the result's expiry
// renewed).

let redis: TestRedis;
let db: Redis;

beforeAll(async () => {
  redis = await startTestRedis('commit-script');
  db = redis.client();
});

afterAll(async () => {
  await redis?.stop();
});

const notices = CHANGE_NOTICES_KEY;

/** How long the script keeps a commit's result here (the committer's default is 30 s). */
const WINDOW_MS = 60_000;

/**
 * Runs the commit script on a vault (a fresh one unless given) with the given guards and ops (JSON as
 * the committer sends them), under the idempotency key `id` (a fresh one unless given).
 */
async function commit(
  guards: unknown[],
  ops: unknown[],
  at: { vault?: string; id?: string } = {},
): Promise<{ vault: string; outcome: unknown }> {
  const vault = at.vault ?? `cs-${randomBytes(3).toString('hex')}`;
  const log = logKeys(vault);
  const outcome = await vaultRedis(db)
    .vaultCommit(
      5,
      log.stream,
      log.position,
      commitResultKey(vault, at.id ?? randomUUID()),
      `${vaultPrefix(vault)}x`,
      notices,
      '1',
      'SecretSet',
      '0',
      ...[JSON.stringify(guards), JSON.stringify(['x']), JSON.stringify(ops), '1000', String(WINDOW_MS)],
      vault,
      '1000',
    )
    .catch((error: unknown) => error);
  return { vault, outcome };
}

describe('commit.lua', () => {
  it('replies UnknownGuard for a guard kind it does not know, and writes nothing', async () => {
    const { vault, outcome } = await commit([['frob', 0, 'f', true]], [['set', 0, 'y']]);
    expect((outcome as Error).message).toMatch(/^UnknownGuard /);
    const error = commitScriptError(outcome);
    expect(error).toBeInstanceOf(CommitScriptError);
    expect(error).toMatchObject({ code: 'UnknownGuard' });
    expect(await db.keys(`${vaultPrefix(vault)}*`)).toEqual([]);
  });

  it('replies UnknownOp for an op kind it does not know, and writes nothing', async () => {
    const { vault, outcome } = await commit(
      [],
      [
        ['set', 0, 'y'],
        ['frob', 0, 'z'],
      ],
    );
    expect(commitScriptError(outcome)).toMatchObject({ code: 'UnknownOp' });
    expect(await db.keys(`${vaultPrefix(vault)}*`)).toEqual([]);
  });

  it('applies the ops of ops.lua and appends the entry', async () => {
    const { vault, outcome } = await commit([], [['set', 0, 'y']]);
    expect(outcome).toEqual([1, 1]);
    expect(await db.get(`${vaultPrefix(vault)}x`)).toBe('y');
  });

  it('runs a commit sent twice under one idempotency key once, and answers the first run’s result', async () => {
    const id = randomUUID();
    // The guard holds only the first time: x is not yet set.
    const guard = [['hexists', 0, 'head', false]];
    const op = [['hset', 0, 'head', 'v1']];
    const { vault, outcome } = await commit(guard, op, { id });
    expect(outcome).toEqual([1, 1]);
    expect((await commit(guard, op, { vault, id })).outcome).toEqual([1, 1]);
    expect(await db.xlen(logKeys(vault).stream)).toBe(1);
    expect(await db.get(logKeys(vault).position)).toBe('1');
    // Another key is another commit: it runs, and its guard fails.
    expect((await commit(guard, op, { vault })).outcome).toEqual([0, 1]);
  });

  it('renews the kept result when it answers from it: a write, which a WAIT after it counts', async () => {
    const id = randomUUID();
    const { vault } = await commit([], [['set', 0, 'y']], { id });
    const kept = commitResultKey(vault, id);
    await db.pexpire(kept, 1000);
    expect((await commit([], [['set', 0, 'y']], { vault, id })).outcome).toEqual([1, 1]);
    expect(await db.pttl(kept)).toBeGreaterThan(1000);
    expect(await db.xlen(logKeys(vault).stream)).toBe(1);
  });

  it('keeps the result for the window given, outside the vault’s keys, and keeps no refusal', async () => {
    const id = randomUUID();
    const { vault } = await commit([], [['set', 0, 'y']], { id });
    const kept = commitResultKey(vault, id);
    expect(kept).toBe(`vo:commit:{${vault}}:${id}`);
    expect(await db.get(kept)).toBe('1');
    const ttl = await db.pttl(kept);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    // Digests, snapshots and the purge scan the vault's prefix: the result is not among its keys.
    expect(await db.keys(`${vaultPrefix(vault)}*`)).not.toContain(kept);
    const refused = randomUUID();
    await commit([['hexists', 0, 'f', true]], [['set', 0, 'z']], { vault, id: refused });
    expect(await db.exists(commitResultKey(vault, refused))).toBe(0);
  });

  it('appends a notice of each entry, carrying it, to the region’s notices, and none for a refusal or a repeat', async () => {
    const id = randomUUID();
    const { vault } = await commit([], [['set', 0, 'y']], { id });
    await commit([], [['set', 0, 'y']], { vault, id });
    await commit([['hexists', 0, 'f', true]], [['set', 0, 'z']], { vault });
    await commit([], [['set', 0, 'w']], { vault });
    const mine = (await db.xrange(notices, '-', '+'))
      .map(([, fields]) => fields)
      .filter((fields) => fields[1] === vault);
    // Each notice carries its entry, as the vault's stream holds it.
    const carried = (value: string) => [
      'v',
      '1',
      'op',
      'SecretSet',
      'keys',
      '["x"]',
      'ops',
      `[["set",0,"${value}"]]`,
    ];
    expect(mine).toEqual([
      ['vault', vault, 'position', '1', 't', '0', ...carried('y')],
      ['vault', vault, 'position', '2', 't', '0', ...carried('w')],
    ]);
  });
});
