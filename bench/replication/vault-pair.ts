import { randomBytes } from 'node:crypto';
import type { RedisInstance } from '@vaultover/local-redis';
import { checkpointKey } from '@vaultover/replication';
import { createVaultService, logKeys, SimulatedClock, type VaultService } from '@vaultover/vault';
import { Redis } from 'ioredis';
import { startApplyObserver } from './apply-observer.ts';
import type { LagTarget } from './lag-probe.ts';

// The region node's Redis client options: the writer commits exactly as a region's data plane does.
const CLIENT_OPTIONS = { maxRetriesPerRequest: 2, connectTimeout: 2000, enableAutoPipelining: true };
// Secret names are `<prefix>-<seq>`; the apply writes their object hash `o:secret:<name>` with HSET.
const KEY_PATTERN = ':o:secret:([A-Za-z0-9]+)-(\\d+)$';
const TENANT = '00000000-0000-0000-0000-000000000000';

/** Ours: vault commits on the primary's Redis, applied on the secondary's by its region node. */
export interface VaultPair extends LagTarget {
  readonly service: VaultService;
  readonly vault: string;
  /** The process that hears the secondary's applies. */
  readonly observerPid: number;
  /** The primary's position of the vault (last committed entry). */
  primaryPosition(): Promise<number>;
  /** The secondary's checkpoint (last applied entry). */
  appliedPosition(): Promise<number>;
  /**
   * The same writes spread round-robin over `count` vaults (created on first use, untimed; the first is
   * the pair's own vault), heard by the same observer.
   */
  spread(count: number, progress: (message: string) => void): Promise<LagTarget>;
  close(): Promise<void>;
}

// Vaults created at once while spreading: enough to keep the primary's Redis busy, few enough for the
// event loop.
const CREATE_CONCURRENCY = 64;

/**
 * The writer is the vault service itself (the code behind the region's PUT /secrets), in this
 * process: every write is a real commit, a mutation and its change entry in one Lua step. Going
 * through HTTPS would add the primary region's request handling to every "commit time" and say
 * nothing more about replication.
 */
export async function startVaultPair(
  primary: RedisInstance,
  secondary: RedisInstance,
  vault: string,
  valueBytes: number,
): Promise<VaultPair> {
  const primaryClient = new Redis(primary.url, CLIENT_OPTIONS);
  const secondaryClient = new Redis(secondary.url);
  const service = createVaultService({
    redis: primaryClient,
    clock: new SimulatedClock(),
    masterKey: randomBytes(32),
    location: 'westeurope',
    cryptoWorkers: 0,
  });
  const create = (name: string) =>
    service.management.createOrUpdate(
      { resourceGroup: 'bench', name, principal: 'bench' },
      { location: 'westeurope', properties: { tenantId: TENANT, sku: { name: 'standard' } } },
    );
  await create(vault);
  const observer = await startApplyObserver('vault-observer', {
    url: secondary.url,
    flags: 'Eh',
    event: 'hset',
    pattern: KEY_PATTERN,
  });
  const value = 'v'.repeat(valueBytes);
  const created = [vault];
  return {
    service,
    vault,
    write: (prefix, seq) => service.secrets.set(vault, `${prefix}-${seq}`, { value }),
    async spread(count, progress) {
      if (created.length < count) progress(`creating ${count - created.length} more vaults (untimed)…`);
      while (created.length < count) {
        const names = Array.from(
          { length: Math.min(CREATE_CONCURRENCY, count - created.length) },
          (_, i) => `${vault}-${created.length + i}`,
        );
        await Promise.all(names.map(create));
        created.push(...names);
      }
      const vaults = created.slice(0, count);
      return {
        write: (prefix, seq) =>
          service.secrets.set(vaults[seq % count] as string, `${prefix}-${seq}`, { value }),
        onApplied: (callback) => observer.onApplied(callback),
      };
    },
    observerPid: observer.pid,
    onApplied: (callback) => observer.onApplied(callback),
    primaryPosition: async () => Number((await primaryClient.get(logKeys(vault).position)) ?? 0),
    appliedPosition: async () => Number((await secondaryClient.hget(checkpointKey(vault), 'position')) ?? 0),
    async close() {
      await observer.stop();
      await service.close();
      primaryClient.disconnect();
      secondaryClient.disconnect();
    },
  };
}
