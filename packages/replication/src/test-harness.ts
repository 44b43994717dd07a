import { randomBytes } from 'node:crypto';
import { createRedisClient, isRedisCluster, type RedisClient, scanKeys } from '@vaultover/foundation/redis';
import { createRedisProvider, type RedisProvider } from '@vaultover/local-redis';
import { clusteredStores, eventually } from '@vaultover/testkit';
import { createVaultService, logKeys, SimulatedClock, type VaultService } from '@vaultover/vault';
import { vaultDigest } from './digest.ts';
import type { ReplicatorOptions } from './options.ts';
import { Replicator } from './replicator.ts';

/**
 * Two embedded region stores ("primary", "secondary": servers, or Redis Clusters in the cluster pass), a
 * vault service writing on the primary, and replicators.
 */
export interface Harness {
  provider: RedisProvider;
  primaryUrl: string;
  secondaryUrl: string;
  primary: RedisClient;
  secondary: RedisClient;
  service: VaultService;
  clients: RedisClient[];
  /** A fresh primary client, as the replicator's factory (no auto-reconnect: the replicator reconnects). */
  primaryClient(): RedisClient;
  /** A fresh secondary client (for replicators that a test kills, secondary connection included). */
  secondaryClient(): RedisClient;
  /** A client of any Redis URL, closed with the harness. */
  client(url: string): RedisClient;
  replicator(options?: Partial<ReplicatorOptions>): Replicator;
  /** The secondary's keys matching a SCAN pattern, sorted (every master of a cluster). */
  secondaryKeys(pattern: string): Promise<string[]>;
  /** Makes every primary node save its data when stopped, so that a restart keeps it (no persistence else). */
  saveOnShutdown(): Promise<void>;
  createVault(name: string): Promise<void>;
  close(): Promise<void>;
}

export const REGION = 'northeurope';
const request = (name: string) => ({ resourceGroup: 'rg', name, principal: 'tester' });
const body = (properties: Record<string, unknown> = {}) => ({
  location: 'westeurope',
  properties: { tenantId: '00000000-0000-0000-0000-000000000000', sku: { name: 'standard' }, ...properties },
});

export async function startHarness(): Promise<Harness> {
  const provider = createRedisProvider({ kind: clusteredStores() ? 'cluster' : 'embedded' });
  const [p, s] = await provider.start(['primary', 'secondary'], { stores: true });
  if (!p || !s) throw new Error('redis did not start');
  const clients: RedisClient[] = [];
  const client = (url: string) => {
    const redis = createRedisClient(url, {
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      enableAutoPipelining: true,
    });
    redis.on('error', () => undefined); // errors reach the tests through the commands they await
    clients.push(redis);
    return redis;
  };
  const primary = createRedisClient(p.url);
  const secondary = createRedisClient(s.url);
  const service = createVaultService({
    redis: primary,
    clock: new SimulatedClock(),
    masterKey: randomBytes(32),
    location: 'westeurope',
    cryptoWorkers: 0,
  });
  const replicators: Replicator[] = [];
  return {
    provider,
    primaryUrl: p.url,
    secondaryUrl: s.url,
    primary,
    secondary,
    service,
    clients,
    primaryClient: () => client(p.url),
    secondaryClient: () => client(s.url),
    client,
    replicator(options = {}) {
      const replicator = new Replicator({
        region: REGION,
        primary: () => client(p.url),
        secondary,
        blockMs: 200,
        readTimeoutMs: 500,
        commandTimeoutMs: 2000,
        backoffMs: 20,
        maxBackoffMs: 200,
        ...options,
      });
      replicators.push(replicator);
      replicator.start();
      return replicator;
    },
    async secondaryKeys(pattern) {
      const keys = new Set<string>();
      for await (const page of scanKeys(secondary, pattern)) for (const key of page) keys.add(key);
      return [...keys].sort();
    },
    async saveOnShutdown() {
      const nodes = isRedisCluster(primary) ? primary.nodes() : [primary];
      await Promise.all(nodes.map((node) => node.config('SET', 'save', '3600 1')));
    },
    async createVault(name) {
      await service.management.createOrUpdate(request(name), body());
    },
    async close() {
      for (const r of replicators) r.kill();
      await service.close();
      for (const c of clients) c.disconnect();
      primary.disconnect();
      secondary.disconnect();
      await provider.stop();
    },
  };
}

export { body, request };

/** Polls until `check` holds or the deadline passes (then throws with the last value). */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 20_000,
): Promise<T> {
  return eventually(
    async () => {
      const value = await probe();
      if (!check(value)) throw new Error(`waiting for ${what}: ${JSON.stringify(value)}`);
      return value;
    },
    { timeoutMs: ms, intervalMs: 50 },
  );
}

/**
 * Waits until the replicator follows the primary (link up, streaming) and, for each of `vaults`, has
 * applied up to the primary's position with equal digests in both regions.
 */
export async function converged(
  h: Harness,
  replicator: Replicator,
  vaults: readonly string[],
): Promise<void> {
  await until(
    'applied up to the primary and equal digests',
    async () => {
      const status = await replicator.status();
      const rows = await Promise.all(
        vaults.map(async (v) => ({
          vault: v,
          position: Number((await h.primary.get(logKeys(v).position)) ?? 0),
          applied: status.vaults[v]?.appliedPosition,
          equal: (await vaultDigest(h.primary, v)) === (await vaultDigest(h.secondary, v)),
        })),
      );
      return { state: status.state, link: status.link, rows, error: status.lastError };
    },
    (s) => s.state === 'streaming' && s.rows.every((r) => r.applied === r.position && r.equal),
  );
}
