import type { Clock } from '@vaultover/foundation';
import { isRedisCluster, type RedisClient } from '@vaultover/foundation/redis';
import { CertificateContacts } from './certificates/certificate-contacts.ts';
import type { CertificateDoc } from './certificates/certificate-doc.ts';
import { CertificateIssuers } from './certificates/certificate-issuers.ts';
import { CertificateLifecycle } from './certificates/certificate-lifecycle.ts';
import { CertificateStore } from './certificates/certificate-store.ts';
import { Sealer } from './crypto/sealer.ts';
import { InlineCryptoEngine, SplitCryptoEngine } from './keys/crypto/crypto-engine.ts';
import { CryptoWorkerPool, defaultCryptoWorkers } from './keys/crypto/crypto-worker-pool.ts';
import { KeyCryptography } from './keys/key-cryptography.ts';
import type { KeyDoc } from './keys/key-doc.ts';
import { KeyStore } from './keys/key-store.ts';
import { CERTIFICATE, KEY, SECRET } from './object-kind.ts';
import { type SecretDoc, SecretStore } from './secrets/secret-store.ts';
import {
  PurgeScheduler,
  type PurgeSchedulerOptions,
  VAULT_PURGE_KIND,
} from './soft-delete/purge-scheduler.ts';
import { Committer } from './store/committer.ts';
import { ObjectRepository, type VersionDoc } from './store/object-repository.ts';
import type { PropagationDelays } from './store/propagation.ts';
import { vaultRedis } from './store/scripts.ts';
import { VaultIndex } from './store/vault-index.ts';
import { VaultRegistry } from './store/vault-registry.ts';
import { VaultManager } from './vaults/vault-manager.ts';

export interface VaultServiceOptions {
  /** The region's store (state and change streams): one Redis server or a cluster. */
  redis: RedisClient;
  clock: Clock;
  /** 32-byte master key for encryption at rest. */
  masterKey: Uint8Array;
  /** Redis for the scheduled-purge queue; without it, scheduled purges are off. */
  queue?: Omit<PurgeSchedulerOptions, 'clock'> | undefined;
  /** Approximate cap on each change stream. */
  streamCap?: number | undefined;
  /**
   * On a Redis Cluster, how long a commit waits for its master's replica to confirm it before it is
   * refused with a 503 (unacknowledged; see CommitterOptions.replicaAcks). Default 2000.
   */
  replicaAckTimeoutMs?: number | undefined;
  /** The region's name: the `location` of its vaults. Default `local`. */
  location?: string | undefined;
  /** Tenant of the vaults. Default the all-zero GUID. */
  tenantId?: string | undefined;
  /**
   * Worker threads for RSA private-key operations, so that they never block the event loop (EC and
   * RSA public operations stay inline); 0 runs everything on the calling thread. Default: one per
   * spare core, up to 4.
   */
  cryptoWorkers?: number | undefined;
  /**
   * Whether vault properties may be cached (default true). False where a replicator changes the vaults
   * behind the service's back: a secondary serving reads after a failover.
   */
  cacheVaults?: boolean | undefined;
  /**
   * How long deletes, recovers, purges and self-signed certificate creations take to show, in simulated
   * ms, as in the real service (docs/vault-api.md, "Propagation delays"). None by default.
   */
  delays?: PropagationDelays | undefined;
  /**
   * Whether the region may write now: reads that find a delayed certificate creation due complete it
   * only then (a standby or read-only region shows what is stored). Always by default.
   */
  writable?: (() => boolean) | undefined;
}

/** The vault domain of one region, wired: registry, stores and the purge scheduler. */
export interface VaultService {
  readonly vaults: VaultRegistry;
  readonly secrets: SecretStore;
  /** Keys: creation, import and lifecycle. */
  readonly keys: KeyStore;
  /** Cryptography with stored keys (encrypt, decrypt, wrap, unwrap, sign, verify) and random bytes. */
  readonly keyCrypto: KeyCryptography;
  /** Certificates: creation (self-signed), import, reads, policy and the creation operation. */
  readonly certificates: CertificateStore;
  /** Certificates' properties, soft delete, recovery, purge, backup and restore (with their key and secret). */
  readonly certificateLifecycle: CertificateLifecycle;
  /** The vault's certificate issuers (stored, never contacted). */
  readonly certificateIssuers: CertificateIssuers;
  /** The vault's certificate contacts (stored, never e-mailed). */
  readonly certificateContacts: CertificateContacts;
  readonly scheduler: PurgeScheduler | undefined;
  /** The management plane: vaults as resources (create, update, soft delete, recover, purge, list). */
  readonly management: VaultManager;
  /** Schedules the purge of every soft-deleted object of `vault` (idempotent), e.g. at start-up. */
  reconcilePurges(vault: string): Promise<number>;
  close(): Promise<void>;
}

const DEFAULT_REPLICA_ACK_TIMEOUT_MS = 2000;

export function createVaultService(options: VaultServiceOptions): VaultService {
  const redis = vaultRedis(options.redis);
  const committer = new Committer(redis, options.clock, {
    streamCap: options.streamCap,
    // A cluster master replicates to its replica asynchronously: a commit is acknowledged once the
    // replica holds it, so that a master's crash loses nothing acknowledged (one replica per master).
    ...(isRedisCluster(options.redis)
      ? {
          replicaAcks: {
            replicas: 1,
            timeoutMs: options.replicaAckTimeoutMs ?? DEFAULT_REPLICA_ACK_TIMEOUT_MS,
          },
        }
      : {}),
  });
  const defaults = {
    location: options.location ?? 'local',
    tenantId: options.tenantId ?? '00000000-0000-0000-0000-000000000000',
  };
  const vaults = new VaultRegistry(redis, committer, () => options.clock.now(), defaults, {
    caching: options.cacheVaults ?? true,
  });
  const sealer = new Sealer(options.masterKey);
  const scheduler = options.queue
    ? new PurgeScheduler({ clock: options.clock, ...options.queue })
    : undefined;
  const delays = options.delays;
  const deps = { redis, committer, clock: options.clock, vaults, deletions: scheduler, delays };
  const repositories: Record<string, ObjectRepository<VersionDoc>> = {
    [SECRET.id]: new ObjectRepository<SecretDoc>(SECRET, deps),
    [KEY.id]: new ObjectRepository<KeyDoc>(KEY, deps),
    [CERTIFICATE.id]: new ObjectRepository<CertificateDoc>(CERTIFICATE, deps),
  };
  const management = new VaultManager({
    registry: vaults,
    index: new VaultIndex(redis),
    clock: options.clock,
    defaults,
    purges: scheduler,
    reconcileObjects: (vault) => service.reconcilePurges(vault),
  });
  scheduler?.start(async (job) => {
    if (job.kind === VAULT_PURGE_KIND) return management.purges.purgeScheduled(job.name, job.deletion);
    // A certificate's purge takes its managed key and secret with it, in one mutation.
    if (job.kind === CERTIFICATE.id) return certificateLifecycle.purge(job.vault, job.name, job.deletion);
    const repository = repositories[job.kind];
    if (!repository) throw new Error(`no repository for scheduled purge of a ${job.kind}`);
    await repository.purge(job.vault, job.name, `${repository.kind.title}Purge`, job.deletion);
  });
  const secrets = new SecretStore(repositories[SECRET.id] as ObjectRepository<SecretDoc>, sealer);
  const keyRepository = repositories[KEY.id] as ObjectRepository<KeyDoc>;
  const keys = new KeyStore(keyRepository, sealer);
  const workers = options.cryptoWorkers ?? defaultCryptoWorkers();
  const engine =
    workers === 0 ? new InlineCryptoEngine() : new SplitCryptoEngine(new CryptoWorkerPool(workers));
  const keyCrypto = new KeyCryptography(keyRepository, sealer, engine);
  const settingsDeps = { redis, committer, sealer, vaults, clock: options.clock };
  const certificateIssuers = new CertificateIssuers(settingsDeps);
  const certificateDeps = {
    issuers: certificateIssuers,
    certificates: repositories[CERTIFICATE.id] as ObjectRepository<CertificateDoc>,
    keys: keyRepository,
    secrets: repositories[SECRET.id] as ObjectRepository<SecretDoc>,
    committer,
    sealer,
    vaults,
    clock: options.clock,
    delays,
    writable: options.writable,
  };
  const certificates = new CertificateStore(certificateDeps);
  const certificateLifecycle = new CertificateLifecycle(certificateDeps, scheduler);
  const certificateContacts = new CertificateContacts(settingsDeps);
  const service: VaultService = {
    vaults,
    secrets,
    keys,
    keyCrypto,
    certificates,
    certificateLifecycle,
    certificateIssuers,
    certificateContacts,
    scheduler,
    management,
    async reconcilePurges(vault) {
      if (!scheduler) return 0;
      let scheduled = 0;
      for (const repository of Object.values(repositories)) {
        let skipToken: string | undefined;
        do {
          // Deletions still propagating need their purge planned too.
          const page = await repository.listDeleted(vault, { skipToken }, { settling: true });
          for (const item of page.items) {
            // A certificate's managed key and secret are purged with it, by its own job.
            if ((item.doc as { managed?: boolean }).managed) continue;
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
      await keyCrypto.close();
    },
  };
  return service;
}
