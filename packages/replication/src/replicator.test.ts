import { seededRandom } from '@vaultover/foundation';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { CHANGE_NOTICES_KEY, logKeys, VAULT_INDEX_KEY } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionOf } from './change-entry.ts';
import { vaultDigest } from './digest.ts';
import { ackKey, checkpointKey } from './replication-keys.ts';
import type { Replicator } from './replicator.ts';
import { stagingPrefix } from './resync.ts';
import { body, converged, type Harness, REGION, request, startHarness, until } from './test-harness.ts';
import { trimBelowAcknowledged } from './trim.ts';

// The replicator against two real Redis servers, with the real vault service writing on the primary.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const secrets = () => h.service.secrets;

async function checkpoint(vault: string): Promise<number> {
  return Number((await h.secondary.hget(checkpointKey(vault), 'position')) ?? 0);
}

async function firstId(vault: string): Promise<string> {
  const [first] = await h.primary.xrange(logKeys(vault).stream, '-', '+', 'COUNT', 1);
  return first?.[0] ?? '';
}

/** The fields of a change entry, as a commit writes them, that sets the vault's key `x` to `value`. */
function entrySetting(value: string): string[] {
  return ['v', '1', 'op', 'SecretSet', 't', '1', 'keys', '["x"]', 'ops', `[["set",0,"${value}"]]`];
}

describe('Replicator', () => {
  it('replicates secrets and vault lifecycle, and picks up vaults created later', async () => {
    await h.createVault('life-a');
    await secrets().set('life-a', 's1', { value: 'v1' });
    const replicator = h.replicator();
    try {
      await converged(h, replicator, ['life-a']);
      // Mixed operations, including a vault created after the start, deleted, recovered and purged.
      await secrets().set('life-a', 's1', { value: 'v2' });
      await secrets().set('life-a', 's2', { value: 'x' });
      await secrets().delete('life-a', 's2');
      await secrets().recover('life-a', 's2');
      await secrets().delete('life-a', 's1');
      await secrets().purge('life-a', 's1');
      await h.createVault('life-b');
      await secrets().set('life-b', 'only', { value: 'y' });
      await h.createVault('life-c');
      await h.service.management.delete(request('life-c'));
      await h.createVault('life-d');
      await h.service.management.delete(request('life-d'));
      await h.service.management.purges.purge('westeurope', 'life-d');
      await h.service.management.delete(request('life-b'));
      await h.service.management.createOrUpdate(request('life-b'), body({ createMode: 'recover' }));
      await converged(h, replicator, ['life-a', 'life-b', 'life-c', 'life-d']);
      // life-d was created and purged at once, out of the index before any sweep: its commits were
      // announced all the same, and applied, down to the purge that leaves only the checkpoint.
      expect(await h.secondaryKeys('vo:{life-d}:*')).toEqual([checkpointKey('life-d')]);
      expect(await vaultDigest(h.secondary, 'life-d')).toBe(await vaultDigest(h.primary, 'life-d'));
      const status = await replicator.status({ digests: true });
      expect(status).toMatchObject({
        region: REGION,
        role: 'secondary',
        state: 'streaming',
        link: 'up',
        lagEntries: 0,
      });
      expect(status.lagSeconds).toBe(0);
      expect(status.lastError).toBeNull();
      expect(status.digests['life-b']).toBe(await vaultDigest(h.primary, 'life-b'));
      expect(status.lastAppliedPosition).toBe(status.lastPosition);
      // The secondary's vault index follows its props keys; purged life-d is gone.
      expect(await h.secondary.zrange(VAULT_INDEX_KEY, '0', '-1')).toEqual(
        expect.arrayContaining(['life-a', 'life-b', 'life-c']),
      );
      expect(await h.secondary.zscore(VAULT_INDEX_KEY, 'life-d')).toBeNull();
      // Acknowledged positions are recorded on the primary.
      expect(Number(await h.primary.get(ackKey('life-a', REGION)))).toBe(await checkpoint('life-a'));
      // A purge of a vault the replicator follows empties it on the secondary (its checkpoint stays).
      await h.service.management.delete(request('life-c'));
      await h.service.management.purges.purge('westeurope', 'life-c');
      await converged(h, replicator, ['life-c']);
      expect(await h.secondaryKeys('vo:{life-c}:*')).toEqual([checkpointKey('life-c')]);
      expect(await h.secondary.zscore(VAULT_INDEX_KEY, 'life-c')).toBeNull();
    } finally {
      await replicator.stop();
    }
  });

  it('converges through repeated abrupt kills during a write load, never applying twice', async () => {
    const vaults = ['kill-a', 'kill-b'];
    for (const v of vaults) await h.createVault(v);
    const applied = new Map<string, number>();
    const lastPosition = new Map<string, number>();
    let regressions = 0;
    let writing = true;
    const load = (async () => {
      let i = 0;
      while (writing) {
        const vault = vaults[i % 2] as string;
        await secrets().set(vault, `s${i % 17}`, { value: `v${i}` });
        if (i % 11 === 0) {
          await secrets().delete(vault, `s${i % 17}`);
          await secrets().purge(vault, `s${i % 17}`);
        }
        i += 1;
      }
      return i;
    })();
    // A watcher: the checkpoint never goes back.
    let watching = true;
    const watcher = (async () => {
      const seen = new Map<string, number>();
      while (watching) {
        for (const v of vaults) {
          const now = await checkpoint(v);
          if (now < (seen.get(v) ?? 0)) regressions += 1;
          seen.set(v, now);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let replicator: Replicator | undefined;
    // Kill times vary by round, the same on every run: a failure replays.
    const random = seededRandom(20);
    for (let round = 0; round < 20; round++) {
      const secondary = h.secondaryClient();
      replicator = h.replicator({ batchSize: 7, secondary });
      let streaming = false;
      replicator.on('applied', (e) => {
        streaming = true;
        applied.set(e.vault, (applied.get(e.vault) ?? 0) + e.applied);
        if (e.position <= (lastPosition.get(e.vault) ?? 0) && e.applied > 0) regressions += 1;
        lastPosition.set(e.vault, e.position);
      });
      // Killed while streaming: at a varying point after its first batch (however long a busy machine
      // takes to get there), in the middle of later reads and applies.
      await until('a batch applied this round', async () => streaming, Boolean);
      await new Promise((r) => setTimeout(r, random() * 60));
      // No graceful shutdown: every connection cut, mid-read or mid-apply.
      replicator.kill();
      secondary.disconnect();
    }
    writing = false;
    const writes = await load;
    expect(writes).toBeGreaterThan(20);
    replicator = h.replicator();
    replicator.on('applied', (e) => applied.set(e.vault, (applied.get(e.vault) ?? 0) + e.applied));
    try {
      await converged(h, replicator, vaults);
    } finally {
      await replicator.stop();
      watching = false;
      await watcher;
    }
    expect(regressions).toBe(0);
    for (const v of vaults) {
      const position = Number(await h.primary.get(logKeys(v).position));
      expect(await checkpoint(v)).toBe(position);
      // Every entry applied at most once (a kill between the apply and its event can only lower the count).
      expect(applied.get(v) ?? 0).toBeLessThanOrEqual(position);
    }
  });

  it('resyncs from a snapshot when the stream was trimmed past its checkpoint', async () => {
    const vault = 'trim-a';
    await h.createVault(vault);
    await secrets().set(vault, 'first', { value: '1' });
    let replicator = h.replicator();
    await converged(h, replicator, [vault]);
    await replicator.stop();
    for (let i = 0; i < 350; i++) await secrets().set(vault, `s${i % 40}`, { value: `v${i}` });
    await secrets().delete(vault, 's3');
    const before = await checkpoint(vault);
    const result = await trimBelowAcknowledged(h.primary, vault, { secondaries: [REGION], hardCap: 10 });
    expect(result.acknowledged).toBe(before);
    expect(positionOf(await firstId(vault))).toBeGreaterThan(before + 1);
    const resyncs: number[] = [];
    replicator = h.replicator();
    replicator.on('resync', (e) => resyncs.push(e.position));
    try {
      await converged(h, replicator, [vault]);
      expect(resyncs.length).toBe(1);
      expect((await replicator.status()).resyncsTotal).toBe(1);
      // Streaming resumes after the snapshot's position.
      await secrets().set(vault, 'after', { value: 'z' });
      await converged(h, replicator, [vault]);
      expect(resyncs.length).toBe(1);
    } finally {
      await replicator.stop();
    }
  });

  it('resyncs while the primary keeps writing: the copy, taken a page at a time, and the stream converge', async () => {
    const vault = 'trim-busy';
    await h.createVault(vault);
    // More keys than a page of the copy, so that writes land between its pages.
    for (let i = 0; i < 1200; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => secrets().set(vault, `s${i + j}`, { value: 'v0' })),
      );
    await trimBelowAcknowledged(h.primary, vault, { secondaries: [REGION], hardCap: 10 });
    // What an interrupted resync would have left staged: cleared, never installed.
    await h.secondary.set(`${stagingPrefix(vault)}o:secret:ghost`, 'left over');
    const resyncs: number[] = [];
    let writing = true;
    // Each name touched once at most (37 and 1200 are coprime): no delete of a deleted secret.
    const writer = (async () => {
      for (let round = 1; writing && round < 1200; round++) {
        const name = `s${(round * 37) % 1200}`;
        if (round % 5 === 0) await secrets().delete(vault, name);
        else await secrets().set(vault, name, { value: `v${round}` });
      }
    })();
    const replicator = h.replicator();
    replicator.on('resync', (e) => {
      resyncs.push(e.position);
      writing = false;
    });
    try {
      await until(
        'a resync',
        async () => resyncs.length,
        (n) => n > 0,
      );
      await writer;
      await converged(h, replicator, [vault]);
      // Writes went on after the copy began: the stream brought them.
      expect(Number(await h.primary.get(logKeys(vault).position))).toBeGreaterThan(resyncs[0] ?? 0);
      expect(await h.secondaryKeys(`${stagingPrefix(vault)}*`)).toEqual([]);
    } finally {
      writing = false;
      await replicator.stop();
    }
  });

  it('trims only what every secondary acknowledged', async () => {
    const vault = 'trim-rule';
    await h.createVault(vault);
    for (let i = 0; i < 9; i++) await secrets().set(vault, 's', { value: `v${i}` });
    await h.primary.set(ackKey(vault, 'r1'), 5);
    await h.primary.set(ackKey(vault, 'r2'), 8);
    const options = { secondaries: ['r1', 'r2', 'r3'], hardCap: 1000 };
    expect(await trimBelowAcknowledged(h.primary, vault, options)).toEqual({ acknowledged: 0, trimmed: 0 });
    await h.primary.set(ackKey(vault, 'r3'), 9);
    expect(await trimBelowAcknowledged(h.primary, vault, options)).toEqual({ acknowledged: 5, trimmed: 5 });
    expect(await firstId(vault)).toBe('6-0');
  });

  it('stops a vault on a malformed entry with lastError, while another vault keeps replicating', async () => {
    await h.createVault('bad-a');
    await h.createVault('bad-b');
    const replicator = h.replicator();
    try {
      await converged(h, replicator, ['bad-a', 'bad-b']);
      const position = await h.primary.incr(logKeys('bad-a').position);
      await h.primary.xadd(
        logKeys('bad-a').stream,
        `${position}-0`,
        'v',
        '9',
        'op',
        'Bogus',
        't',
        '1',
        'keys',
        '[]',
        'ops',
        '[]',
      );
      // With its notice, as the commit script writes one.
      await h.primary.xadd(CHANGE_NOTICES_KEY, '*', 'vault', 'bad-a', 'position', position, 't', '1');
      await secrets().set('bad-b', 'still', { value: 'flows' });
      const status = await until(
        'bad-a stopped',
        () => replicator.status(),
        (s) => s.vaults['bad-a']?.state === 'stopped',
      );
      expect(status.lastError).toMatch(/bad-a.*unknown format version 9/);
      expect(status.vaults['bad-a']?.lastError).toMatch(/unknown format version/);
      expect(await checkpoint('bad-a')).toBe(position - 1);
      await until(
        'bad-b replicated',
        async () => [await vaultDigest(h.primary, 'bad-b'), await vaultDigest(h.secondary, 'bad-b')],
        ([a, b]) => a === b,
      );
      expect((await replicator.status()).link).toBe('up');
    } finally {
      await replicator.stop();
      // Forget bad-a in both regions, so that later tests start clean.
      await h.primary.zrem(VAULT_INDEX_KEY, 'bad-a');
      await h.secondary.del(checkpointKey('bad-a'));
    }
  });

  it('finds an entry that has no notice at the next sweep of positions', async () => {
    await h.createVault('quiet-a');
    const replicator = h.replicator({ sweepMs: 300 });
    try {
      await converged(h, replicator, ['quiet-a']);
      // An entry as a commit writes it, without its notice: only a sweep can find it.
      const position = await h.primary.incr(logKeys('quiet-a').position);
      await h.primary.xadd(logKeys('quiet-a').stream, `${position}-0`, ...entrySetting('y'));
      await until(
        'the entry without a notice applied',
        () => checkpoint('quiet-a'),
        (p) => p === position,
      );
      expect(await h.secondary.get('vo:{quiet-a}:x')).toBe('y');
    } finally {
      await replicator.stop();
    }
  });

  it("applies the entry a notice carries without reading the vault's stream", async () => {
    await h.createVault('carried-a');
    const replicator = h.replicator({ sweepMs: 60_000 });
    try {
      await converged(h, replicator, ['carried-a']);
      // A notice with its entry, and no entry in the stream: reading the stream would find nothing
      // (and resync from a primary that never had the key); only applying the notice writes it.
      const position = await h.primary.incr(logKeys('carried-a').position);
      const entry = entrySetting('from-notice');
      await h.primary.xadd(CHANGE_NOTICES_KEY, '*', 'vault', 'carried-a', 'position', position, ...entry);
      await until(
        'the carried entry applied',
        () => checkpoint('carried-a'),
        (p) => p === position,
      );
      expect(await h.secondary.get('vo:{carried-a}:x')).toBe('from-notice');
    } finally {
      await replicator.stop();
    }
  });

  it("reads the vault's stream when a notice's entry is not the next one", async () => {
    await h.createVault('gap-a');
    // No sweep during the test: only the gap can send the replicator to the stream.
    const replicator = h.replicator({ sweepMs: 60_000 });
    try {
      await converged(h, replicator, ['gap-a']);
      const position = await h.primary.incr(logKeys('gap-a').position);
      const entry = entrySetting('no-notice');
      await h.primary.xadd(logKeys('gap-a').stream, `${position}-0`, ...entry);
      // A real commit after it: its notice carries entry position + 1, one past a gap.
      await secrets().set('gap-a', 'after', { value: 'v' });
      await until(
        'both entries applied',
        () => checkpoint('gap-a'),
        (p) => p === position + 1,
      );
      expect(await h.secondary.get('vo:{gap-a}:x')).toBe('no-notice');
    } finally {
      await replicator.stop();
    }
  });

  it('survives a partition that hangs reads (blackhole), then converges', async () => {
    await h.createVault('hole-a');
    const proxy = new LinkProxy({ name: 'hole', upstream: redisNodesOf(h.primaryUrl) });
    await proxy.start();
    const replicator = h.replicator({
      primary: () => h.client(redisUrlThrough(h.primaryUrl, proxy.routes)),
    });
    try {
      await secrets().set('hole-a', 's', { value: 'before' });
      await converged(h, replicator, ['hole-a']);
      proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
      for (let i = 0; i < 20; i++) await secrets().set('hole-a', 's', { value: `during ${i}` });
      const down = await until(
        'disconnected',
        () => replicator.status(),
        (s) => s.state === 'disconnected',
      );
      expect(down.link).toBe('down');
      expect(down.lastError).toMatch(/no answer/);
      proxy.removeToxic('partition');
      await converged(h, replicator, ['hole-a']);
      expect((await replicator.status()).link).toBe('up');
    } finally {
      await replicator.stop();
      await proxy.close();
    }
  });

  it('reports disconnected while the primary Redis is down, then recovers', async () => {
    await h.createVault('down-a');
    await secrets().set('down-a', 's', { value: 'before' });
    const replicator = h.replicator();
    try {
      await converged(h, replicator, ['down-a']);
      // Save on shutdown, so that the restarted primary keeps its data (the embedded servers run without persistence).
      await h.saveOnShutdown();
      await h.provider.stopInstance('primary', 'SIGTERM');
      const down = await until(
        'disconnected',
        () => replicator.status(),
        (s) => s.state === 'disconnected',
      );
      expect(down.link).toBe('down');
      expect(down.lastError).not.toBeNull();
      await h.provider.restartInstance('primary');
      await until(
        'primary back',
        () => h.primary.ping().catch(() => 'no'),
        (p) => p === 'PONG',
      );
      await secrets().set('down-a', 's', { value: 'after' });
      await converged(h, replicator, ['down-a']);
      const up = await replicator.status();
      expect(up).toMatchObject({ state: 'streaming', link: 'up', lastError: null });
    } finally {
      await replicator.stop();
    }
  });
});
