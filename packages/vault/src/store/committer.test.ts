import type { Clock } from '@vaultover/foundation';
import { describe, expect, it } from 'vitest';
import { CommitScriptError, Committer, GuardFailedError } from './committer.ts';
import { Mutation } from './mutation.ts';
import type { VaultRedis } from './scripts.ts';

const clock = { now: () => 1_700_000_000_000 } as Clock;

/**
 * A client whose commit script answers `reply` (a value, or an error as ioredis gives it); `cluster`
 * makes it a Redis Cluster's, whose other commands (the notices) land in `noted`.
 */
function committerAnswering(
  reply: unknown,
  sent: string[][] = [],
  cluster?: { noted: string[][] },
): Committer {
  const redis = {
    isCluster: cluster !== undefined,
    vaultCommit: async (...args: string[]) => {
      sent.push(args.map(String));
      if (reply instanceof Error) throw reply;
      return reply;
    },
    xadd: async (...args: (string | number)[]) => {
      cluster?.noted.push(args.map(String));
      return '1-0';
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
    // The window comes after the stream cap, then the vault's name and the notices' cap.
    expect(sent[0]?.slice(-4)).toEqual(['1000000', '30000', 'v', '20000']);
  });

  it('has the script write the notice on one Redis, and writes it after the commit on a cluster', async () => {
    const alone: string[][] = [];
    await committerAnswering([1, 7], alone).commit('v', mutation());
    // numKeys counts the stream, position, result key, the mutation's keys and the notices, last.
    const keys = Number(alone[0]?.[0]);
    expect(alone[0]?.[keys]).toBe('vo:repl:changes');
    expect(alone[0]?.at(-2)).toBe('v');

    const sent: string[][] = [];
    const cluster = { noted: [] as string[][] };
    await committerAnswering([1, 7], sent, cluster).commit('v', mutation());
    expect(sent[0]?.slice(1, Number(sent[0]?.[0]) + 1)).not.toContain('vo:repl:changes');
    expect(sent[0]?.at(-2)).toBe('');
    expect(cluster.noted).toEqual([
      [
        'vo:repl:changes',
        'MAXLEN',
        '~',
        '20000',
        '*',
        'vault',
        'v',
        'position',
        '7',
        't',
        String(clock.now()),
      ],
    ]);
    // A refused commit wrote nothing, and is noted nowhere.
    await committerAnswering([0, 1], [], cluster)
      .commit('v', mutation())
      .catch(() => undefined);
    expect(cluster.noted).toHaveLength(1);
  });
});
