import { randomBytes } from 'node:crypto';
import type { RedisInstance } from '@vaultover/local-redis';
import { trimBelowAcknowledged, vaultDigest } from '@vaultover/replication';
import { createVaultService, SimulatedClock } from '@vaultover/vault';
import { Redis } from 'ioredis';
import { startChild } from '../child/start-child.ts';
import { REGION, type ResyncChildConfig, type ResyncChildResult } from './resync-spec.ts';

export const RESYNC_VAULT = 'resync';
const TENANT = '00000000-0000-0000-0000-000000000000';
// Writes in flight while seeding; the client auto-pipelines them, so they share round trips.
const SEED_CONCURRENCY = 128;
// The stream keeps only its newest ~1000 entries, as the hard cap leaves it: a fresh secondary's
// checkpoint (0) is then far below the first entry, so it must resync from a snapshot.
const HARD_CAP = 1000;
const CHILD_START_TIMEOUT_MS = 30_000;

/** What one full resync took. */
export interface ResyncMeasurement extends ResyncChildResult {
  /** The vault's digest on both sides, compared after the resync's process stopped. */
  digestsEqual: boolean;
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
 * the secondary region node runs it), in a child process of its own where nothing else runs: its
 * peak memory is the replicator's, not the seeding's nor the digests'.
 */
export async function measureResync(
  primary: RedisInstance,
  secondary: RedisInstance,
  timeoutMs: number,
  progress: (message: string) => void,
): Promise<ResyncMeasurement> {
  const secondaryClient = new Redis(secondary.url);
  const primaryClient = new Redis(primary.url);
  try {
    await secondaryClient.flushall();
    const child = await startChild<Record<string, never>>({
      name: 'resync',
      entry: new URL('./resync-child.ts', import.meta.url),
      config: { primaryUrl: primary.url, secondaryUrl: secondary.url } satisfies ResyncChildConfig,
      readyTimeoutMs: CHILD_START_TIMEOUT_MS,
    });
    progress('resyncing an empty secondary in a process of its own…');
    let result: ResyncChildResult;
    try {
      result = await child.window<ResyncChildResult>({ timeoutMs }, timeoutMs + CHILD_START_TIMEOUT_MS);
    } finally {
      await child.stop();
    }
    progress('comparing the digests of both copies (not timed)…');
    const [ours, theirs] = await Promise.all([
      vaultDigest(primaryClient, RESYNC_VAULT),
      vaultDigest(secondaryClient, RESYNC_VAULT),
    ]);
    return { ...result, digestsEqual: ours === theirs };
  } finally {
    secondaryClient.disconnect();
    primaryClient.disconnect();
  }
}
