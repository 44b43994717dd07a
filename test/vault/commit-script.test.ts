import { randomBytes } from 'node:crypto';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import { CommitScriptError, commitScriptError, logKeys, vaultPrefix, vaultRedis } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What lua/commit.lua replies when a mutation holds an op or a guard it does not know: an error reply
// whose first word is the code, read by the committer; and nothing written.

let redis: TestRedis;
let db: Redis;

beforeAll(async () => {
  redis = await startTestRedis('commit-script');
  db = redis.client();
});

afterAll(async () => {
  await redis?.stop();
});

/** Runs the commit script on a fresh vault with the given guards and ops (JSON as the committer sends them). */
async function commit(guards: unknown[], ops: unknown[]): Promise<{ vault: string; outcome: unknown }> {
  const vault = `cs-${randomBytes(3).toString('hex')}`;
  const log = logKeys(vault);
  const outcome = await vaultRedis(db)
    .vaultCommit(
      3,
      log.stream,
      log.position,
      `${vaultPrefix(vault)}x`,
      '1',
      'SecretSet',
      '0',
      ...[JSON.stringify(guards), JSON.stringify(['x']), JSON.stringify(ops), '1000'],
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
});
