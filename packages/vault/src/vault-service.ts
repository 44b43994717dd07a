import type { Redis } from 'ioredis';
import type { Clock } from './clock.ts';
import { Sealer } from './crypto/sealer.ts';
import { SECRET } from './object-kind.ts';
import { type SecretDoc, SecretStore } from './secrets/secret-store.ts';
import { PurgeScheduler, type PurgeSchedulerOptions } from './soft-delete/purge-scheduler.ts';
import { Committer } from './store/committer.ts';
import { ObjectRepository, type VersionDoc } from './store/object-repository.ts';
import { vaultRedis } from './store/scripts.ts';
import { VaultRegistry } from './store/vault-registry.ts';

export interface VaultServiceOptions {
  /** The region's Redis (state and change streams). */
  redis: Redis;
  clock: Clock;
  /** 32-byte master key for encryption at rest. */
  masterKey: Uint8Array;
  /** Redis for the scheduled-purge queue; without it, scheduled purges are off. */
  queue?: Omit<PurgeSchedulerOptions, 'clock'> | undefined;
  /** Approximate cap on each change stream. */
  streamCap?: number | undefined;
}

/** The vault domain of one region, wired: registry, stores and the purge scheduler. */
export interface VaultService {
  readonly vaults: VaultRegistry;
  readonly secrets: SecretStore;
  readonly scheduler: PurgeScheduler | undefined;
  /** Schedules the purge of every soft-deleted object of `vault` (idempotent), e.g. at start-up. */
  reconcilePurges(vault: string): Promise<number>;
  close(): Promise<void>;
}

export function createVaultService(options: VaultServiceOptions): VaultService {
  const redis = vaultRedis(options.redis);
  const committer = new Committer(redis, options.clock, { streamCap: options.streamCap });
  const vaults = new VaultRegistry(redis, committer, () => options.clock.now());
  const sealer = new Sealer(options.masterKey);
  const scheduler = options.queue
    ? new PurgeScheduler({ clock: options.clock, ...options.queue })
    : undefined;
  const deps = { redis, committer, clock: options.clock, vaults, deletions: scheduler };
  const repositories: Record<string, ObjectRepository<VersionDoc>> = {
    [SECRET.id]: new ObjectRepository<SecretDoc>(SECRET, deps),
  };
  scheduler?.start(async (job) => {
    const repository = repositories[job.kind];
    if (!repository) throw new Error(`no repository for scheduled purge of a ${job.kind}`);
    await repository.purge(job.vault, job.name, `${repository.kind.title}Purge`, job.deletion);
  });
  const secrets = new SecretStore(repositories[SECRET.id] as ObjectRepository<SecretDoc>, sealer);
  return {
    vaults,
    secrets,
    scheduler,
    async reconcilePurges(vault) {
      if (!scheduler) return 0;
      let scheduled = 0;
      for (const repository of Object.values(repositories)) {
        let skipToken: string | undefined;
        do {
          const page = await repository.listDeleted(vault, { skipToken });
          for (const item of page.items) {
            await scheduler.schedule({
              vault,
              kind: repository.kind.id,
              name: item.name,
              deletion: item.deletion,
            });
            scheduled++;
          }
          skipToken = page.skipToken;
        } while (skipToken);
      }
      return scheduled;
    },
    async close() {
      await scheduler?.close();
    },
  };
}
