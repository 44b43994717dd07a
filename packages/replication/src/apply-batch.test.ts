import { logKeys, vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch, readCheckpoint } from './apply-batch.ts';
import { type RawEntry, toWireEntry } from './change-entry.ts';
import { vaultDigest } from './digest.ts';
import { checkpointKey } from './replication-keys.ts';
import { replicationRedis } from './scripts.ts';
import { type Harness, startHarness } from './test-harness.ts';

// The apply step alone, on entries the real vault service wrote: idempotent, all-or-nothing.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function entries(vault: string): Promise<RawEntry[]> {
  return (await h.primary.xrange(logKeys(vault).stream, '-', '+')) as RawEntry[];
}

describe('applyBatch', () => {
  it('reproduces the primary, and applying the same batch twice changes nothing', async () => {
    const vault = 'apply-twice';
    await h.createVault(vault);
    await h.service.secrets.set(vault, 'a', { value: 'one' });
    await h.service.secrets.set(vault, 'a', { value: 'two' });
    await h.service.secrets.set(vault, 'b', { value: 'three' });
    await h.service.secrets.delete(vault, 'b');
    const batch = (await entries(vault)).map(toWireEntry);
    const secondary = replicationRedis(h.secondary);
    const first = await applyBatch(secondary, vault, batch);
    expect(first.applied).toBe(batch.length);
    expect(first.position).toBe(batch.length);
    const digest = await vaultDigest(h.secondary, vault);
    expect(digest).toBe(await vaultDigest(h.primary, vault));
    const again = await applyBatch(secondary, vault, batch);
    expect(again).toEqual({ ...first, applied: 0 });
    expect(await vaultDigest(h.secondary, vault)).toBe(digest);
    // A batch overlapping the checkpoint applies only what is new.
    await h.service.secrets.set(vault, 'c', { value: 'four' });
    const overlap = (await entries(vault)).map(toWireEntry).slice(-3);
    expect((await applyBatch(secondary, vault, overlap)).applied).toBe(1);
    expect(await vaultDigest(h.secondary, vault)).toBe(await vaultDigest(h.primary, vault));
  });

  it('refuses a batch with an unknown version or malformed ops, writing nothing', async () => {
    const vault = 'apply-refuse';
    await h.createVault(vault);
    await h.service.secrets.set(vault, 'a', { value: 'one' });
    const good = (await entries(vault)).map(toWireEntry);
    const secondary = replicationRedis(h.secondary);
    const bad = [
      { ...good[0], v: '2' },
      { ...good[0], ops: '[["frob",0,"x"]]' },
      { ...good[0], ops: '[["hset",7,"x","y"]]' },
      { ...good[0], ops: 'not json' },
      { ...good[0], keys: '{' },
    ];
    for (const wrong of bad) {
      const batch = [...good.slice(0, -1), { ...good.at(-1), ...wrong, position: good.length + 1 }];
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed entries
      await expect(applyBatch(secondary, vault, batch as any)).rejects.toMatchObject({
        code: wrong.v === '2' ? 'UnknownFormat' : 'MalformedEntry',
      });
      expect(await h.secondary.exists(checkpointKey(vault))).toBe(0);
      expect(await h.secondaryKeys(`vo:{${vault}}:*`)).toEqual([]);
    }
    expect((await readCheckpoint(secondary, vault)).position).toBe(0);
  });

  it("replies the refusal's code as the first word of the error reply", async () => {
    const vault = 'apply-codes';
    await h.createVault(vault);
    const [entry] = (await entries(vault)).map(toWireEntry);
    if (!entry) throw new Error('the vault has no entry');
    const secondary = replicationRedis(h.secondary);
    const reply = (wrong: Partial<typeof entry>) => {
      const sent = { ...entry, ...wrong };
      return secondary.replApplyBatch(
        (entry.keyNames ?? []).length + 1,
        checkpointKey(vault),
        ...(entry.keyNames ?? []).map((name) => vaultPrefix(vault) + name),
        JSON.stringify(entry.keyNames),
        JSON.stringify([[String(sent.position), sent.v, sent.t, sent.keys, sent.ops]]),
      );
    };
    await expect(reply({ v: '9' })).rejects.toThrow(/^UnknownFormat vaultover apply: entry 1: /);
    await expect(reply({ ops: '[["frob",0]]' })).rejects.toThrow(
      /^MalformedEntry vaultover apply: entry 1: /,
    );
  });
});
