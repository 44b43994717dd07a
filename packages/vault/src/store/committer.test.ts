import type { Clock } from '@vaultover/foundation';
import { describe, expect, it } from 'vitest';
import { CommitScriptError, Committer, GuardFailedError } from './committer.ts';
import { Mutation } from './mutation.ts';
import type { VaultRedis } from './scripts.ts';

const clock = { now: () => 1_700_000_000_000 } as Clock;

/** A client whose commit script answers `reply` (a value, or an error as ioredis gives it). */
function committerAnswering(reply: unknown, sent: string[][] = []): Committer {
  const redis = {
    vaultCommit: async (...args: string[]) => {
      sent.push(args.map(String));
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
  return new Committer(redis as unknown as VaultRedis, clock);
}

const mutation = () => new Mutation('SecretSet').set('x', 'y');

describe('Committer', () => {
  it("turns the script's coded error reply into a CommitScriptError with that code", async () => {
    const reply = new Error('UnknownGuard vaultover commit: unknown guard frob');
    const error = await committerAnswering(reply)
      .commit('v', mutation())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitScriptError);
    expect(error).toMatchObject({ code: 'UnknownGuard', cause: reply });
    await expect(
      committerAnswering(new Error('UnknownOp vaultover commit: unknown op frob')).commit('v', mutation()),
    ).rejects.toMatchObject({ code: 'UnknownOp' });
  });

  it("reads only the reply's first word: other errors go through as they are", async () => {
    const other = new Error('ERR vaultover commit: UnknownGuard somewhere in the text');
    await expect(committerAnswering(other).commit('v', mutation())).rejects.toBe(other);
  });

  it('throws GuardFailedError with the typed reason of the guard that did not hold', async () => {
    // Guards 1 and 2 are the live-vault guards; 3 is the mutation's own first guard.
    const guarded = mutation().requireField('x', 'head', false, { on: 'secret', failure: 'exists' });
    const error = await committerAnswering([0, 3])
      .commit('v', guarded)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardFailedError);
    expect(error).toMatchObject({
      code: 'GuardFailed',
      reason: { on: 'secret', failure: 'exists' },
      message: 'guard failed: secret exists',
    });
    expect(await committerAnswering([1, 42]).commit('v', guarded)).toBe(42);
  });

  it('answers VaultNotFound when a live-vault guard fails, and UnknownGuard for a guard it never sent', async () => {
    await expect(committerAnswering([0, 1]).commit('gone', mutation())).rejects.toMatchObject({
      status: 404,
      code: 'VaultNotFound',
    });
    await expect(committerAnswering([0, 9]).commit('v', mutation())).rejects.toMatchObject({
      code: 'UnknownGuard',
    });
  });

  it("sends the mutation's idempotency key as the result key, the same each time that mutation is committed", async () => {
    const sent: string[][] = [];
    const committer = committerAnswering([1, 7], sent);
    const once = mutation();
    await committer.commit('v', once);
    await committer.commit('v', once);
    await committer.commit('v', mutation());
    const resultKeys = sent.map((args) => args[3]);
    expect(resultKeys[0]).toBe(`vo:commit:{v}:${once.id}`);
    expect(resultKeys[1]).toBe(resultKeys[0]);
    expect(resultKeys[2]).not.toBe(resultKeys[0]);
    // The window comes last, after the stream cap.
    expect(sent[0]?.at(-1)).toBe('30000');
  });
});
