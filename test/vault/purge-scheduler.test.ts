import { randomBytes } from 'node:crypto';
import { eventually, pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService } from '@vaultover/vault';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The scheduled purge (BullMQ delayed jobs) after a jump of the simulated clock.

const DAY_MS = 86_400_000;

let redis: TestRedis;
let clock: SimulatedClock;
let service: VaultService | undefined;
let queue: Queue | undefined;

beforeAll(async () => {
  redis = await startTestRedis('purge-scheduler', { externalDb: 8 });
});

afterEach(async () => {
  await queue?.close();
  await service?.close();
  queue = undefined;
  service = undefined;
});

afterAll(async () => {
  await redis?.stop();
});

/** A service with a purge queue of its own, so that tests never see each other's jobs. */
function startService(
  prefix = `{vo-purge-sched-${randomBytes(3).toString('hex')}}`,
  masterKey = randomBytes(32),
): { service: VaultService; queue: Queue } {
  clock = new SimulatedClock();
  service = createVaultService({
    redis: redis.client(),
    clock,
    masterKey,
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix },
  });
  queue = new Queue('purge', { connection: { url: redis.url }, prefix });
  return { service, queue };
}

async function deleteMany(service: VaultService, vault: string, names: string[]): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      await service.secrets.set(vault, name, { value: 'x' });
      await service.secrets.delete(vault, name);
    }),
  );
}

async function countDeleted(service: VaultService, vault: string): Promise<number> {
  let count = 0;
  let skipToken: string | undefined;
  do {
    const page = await service.secrets.listDeleted(vault, { skipToken });
    count += page.items.length;
    skipToken = page.skipToken;
  } while (skipToken);
  return count;
}

describe('PurgeScheduler after a clock shift', () => {
  it('runs the purges that fell due, and re-plans the others at their new real-time distance', async () => {
    const { service, queue } = startService();
    await service.vaults.ensure({ name: 'week', retentionDays: 7 });
    await service.vaults.ensure({ name: 'quarter', retentionDays: 90 });
    await deleteMany(service, 'week', ['a', 'b', 'c']);
    await deleteMany(service, 'quarter', ['kept']);
    expect(await service.scheduler?.delayedCount()).toBe(4);

    clock.shift(8 * DAY_MS);
    expect(await service.scheduler?.reschedule()).toBe(4);
    await pollUntil(
      'the week vault has no deleted secrets',
      async () => (await countDeleted(service, 'week')) === 0,
    );
    expect(await countDeleted(service, 'quarter')).toBe(1);

    // The 90-day purge now waits 82 days (minus the test's own few seconds), not 90.
    const [job] = await eventually(async () => {
      const delayed = await queue.getDelayed();
      expect(delayed).toHaveLength(1);
      return delayed;
    });
    expect(job?.data).toMatchObject({ vault: 'quarter', name: 'kept' });
    expect(job?.delay).toBeGreaterThan(82 * DAY_MS - 60_000);
    expect(job?.delay).toBeLessThanOrEqual(82 * DAY_MS);
  });

  it('drops the planned purge when the secret is recovered', async () => {
    const { service } = startService();
    await service.vaults.ensure({ name: 'week', retentionDays: 7 });
    await deleteMany(service, 'week', ['back']);
    expect(await service.scheduler?.delayedCount()).toBe(1);
    await service.secrets.recover('week', 'back');
    expect(await service.scheduler?.delayedCount()).toBe(0);
    clock.shift(8 * DAY_MS);
    expect(await service.scheduler?.reschedule()).toBe(0);
    expect((await service.secrets.get('week', 'back')).value).toBe('x');
  });

  // Paging the delayed set by index while the worker promotes due jobs out of it shifts ranks and
  // skips jobs, which would keep their old delay (7 real days here).
  it('reschedules every delayed purge when there are more than 500', async () => {
    const { service, queue } = startService();
    await service.vaults.ensure({ name: 'many', retentionDays: 7 });
    const names = Array.from({ length: 1500 }, (_, i) => `s${i}`);
    await deleteMany(service, 'many', names);
    expect(await service.scheduler?.delayedCount()).toBe(names.length);

    clock.shift(8 * DAY_MS);
    await service.scheduler?.reschedule();
    // Every job still delayed must have been re-planned to run now; none may keep its week-long delay.
    const stale = (await queue.getDelayed(0, -1)).filter((job) => job.delay > 60_000);
    expect(stale.length).toBe(0);
  }, 60_000);
});

describe('PurgeScheduler loading BullMQ', () => {
  it('opens its queue at the first deletion, and again at a start that finds deleted objects', async () => {
    await redis.client().flushdb(); // the other tests' deleted secrets would be reconciled too
    const prefix = `{vo-purge-open-${randomBytes(3).toString('hex')}}`;
    const masterKey = randomBytes(32);
    const first = startService(prefix, masterKey).service;
    await first.vaults.ensure({ name: 'opens', retentionDays: 7 });
    await first.secrets.set('opens', 'kept', { value: 'x' });
    await first.management.reconcile();
    expect(first.scheduler?.opened).toBe(false); // nothing deleted: no queue
    await deleteMany(first, 'opens', ['gone']);
    expect(first.scheduler?.opened).toBe(true);
    await first.close();
    await queue?.close();

    // A node started again on the same store: its reconcile re-plans the purge, and the worker runs it.
    const again = startService(prefix, masterKey).service;
    expect(again.scheduler?.opened).toBe(false);
    await again.management.reconcile();
    expect(again.scheduler?.opened).toBe(true);
    expect(await again.scheduler?.delayedCount()).toBe(1);
    clock.shift(8 * DAY_MS);
    expect(await again.scheduler?.reschedule()).toBe(1);
    await pollUntil('the purge ran', async () => (await countDeleted(again, 'opens')) === 0);
    expect((await again.secrets.get('opens', 'kept')).value).toBe('x');
  });
});
