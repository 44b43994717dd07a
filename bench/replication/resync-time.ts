import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisInstance } from '@vaultover/local-redis';
import { Replicator, trimBelowAcknowledged, vaultDigest } from '@vaultover/replication';
import { createVaultService, SimulatedClock } from '@vaultover/vault';
import { Redis } from 'ioredis';

export const RESYNC_VAULT = 'resync';
const REGION = 'northeurope';
const TENANT = '00000000-0000-0000-0000-000000000000';
// Writes in flight while seeding; the client auto-pipelines them, so they share round trips.
const SEED_CONCURRENCY = 128;
// The stream keeps only its newest ~1000 entries, as the hard cap leaves it: a fresh secondary's
// checkpoint (0) is then far below the first entry, so it must resync from a snapshot.
const HARD_CAP = 1000;
const MAX_ERRORS = 3;

/** What one full resync took. */
export interface ResyncMeasurement {
  /** From the replicator's start to its `resync` event (snapshot read and installed). */
  resyncMs: number;
  /** From the start until its status said streaming with no lag. */
  convergedMs: number;
  keys: number;
  /** The vault's digest on both sides, compared after the clock stopped. */
  digestsEqual: boolean;
  /** Link errors the replicator reported on the way (e.g. a command deadline). */
  errors: string[];
}

/**
 * Empties the primary, fills vault `resync` with `count` secrets through the vault service (pipelined,
 * not timed), then trims its stream as the hard cap would. Returns the seeding time, for the notes.
 */
export async function seedResyncVault(
  primary: RedisInstance,
  count: number,
  valueBytes: number,
  progress: (message: string) => void,
): Promise<number> {
  const client = new Redis(primary.url, { enableAutoPipelining: true });
  const service = createVaultService({
    redis: client,
    clock: new SimulatedClock(),
    masterKey: randomBytes(32),
    location: 'westeurope',
    cryptoWorkers: 0,
  });
  try {
    await client.flushall();
    await service.management.createOrUpdate(
      { resourceGroup: 'bench', name: RESYNC_VAULT, principal: 'bench' },
      { location: 'westeurope', properties: { tenantId: TENANT, sku: { name: 'standard' } } },
    );
    const started = performance.now();
    const value = 'v'.repeat(valueBytes);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        await service.secrets.set(RESYNC_VAULT, `seed-${i}`, { value });
        if ((i + 1) % 20_000 === 0) progress(`seeded ${i + 1} of ${count} secrets`);
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
    await trimBelowAcknowledged(client, RESYNC_VAULT, { secondaries: [REGION], hardCap: HARD_CAP });
    return performance.now() - started;
  } finally {
    await service.close();
    client.disconnect();
  }
}

/**
 * One full resync into an empty secondary, by the product's Replicator with its default options (as
 * the secondary region node runs it), in this process, where nothing else runs meanwhile.
 */
export async function measureResync(
  primary: RedisInstance,
  secondary: RedisInstance,
  timeoutMs: number,
): Promise<ResyncMeasurement> {
  const secondaryClient = new Redis(secondary.url);
  const primaryClient = new Redis(primary.url);
  await secondaryClient.flushall();
  const errors: string[] = [];
  const replicator = new Replicator({
    region: REGION,
    primary: () =>
      new Redis(primary.url, { maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 }),
    secondary: secondaryClient,
  });
  replicator.on('link', ({ error }) => {
    if (error && errors.length < MAX_ERRORS) errors.push(error.message);
  });
  let resync: { at: number; keys: number } | undefined;
  replicator.on('resync', ({ keys }) => {
    resync = { at: performance.now(), keys };
  });
  try {
    const started = performance.now();
    replicator.start();
    const deadline = started + timeoutMs;
    let convergedAt = Number.NaN;
    // A resync that fails the same way three times will not succeed on the fourth: report, do not wait.
    while (performance.now() < deadline && errors.length < MAX_ERRORS) {
      const status = await replicator.status();
      if (resync && status.state === 'streaming' && status.lagEntries === 0) {
        convergedAt = performance.now();
        break;
      }
      await sleep(5);
    }
    await replicator.stop();
    const [ours, theirs] = await Promise.all([
      vaultDigest(primaryClient, RESYNC_VAULT),
      vaultDigest(secondaryClient, RESYNC_VAULT),
    ]);
    return {
      resyncMs: resync ? resync.at - started : Number.NaN,
      convergedMs: convergedAt - started,
      keys: resync?.keys ?? 0,
      digestsEqual: ours === theirs,
      errors,
    };
  } finally {
    replicator.kill();
    secondaryClient.disconnect();
    primaryClient.disconnect();
  }
}
