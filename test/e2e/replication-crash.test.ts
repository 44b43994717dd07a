import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import { seededRandom } from '@vaultover/foundation';
import {
  createRedisClient,
  type RedisClient,
  redisNodesOf,
  redisUrlThrough,
} from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { createRedisProvider, type RedisInstance, type RedisProvider } from '@vaultover/local-redis';
import { checkpointKey } from '@vaultover/replication';
import { clusteredStores, eventually, killClusterMaster, pollUntil } from '@vaultover/testkit';
import { logKeys, vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePorts,
  getJson,
  pairConfig,
  type RegionProcess,
  startRegionProcess,
} from '../support/region-process.ts';

// Replication's crash safety, with real OS processes: two embedded redis-servers with an
// fsync-per-write AOF, a link proxy in front of the primary's Redis, and the two region nodes as child
// processes started the way `vaultover up` starts them. Writers drive the primary through the real
// SecretClient while a chaos loop kill -9s one of the four processes at a time and restarts it on the
// same port and data; then the secondary must converge to exactly the primary's state, and every
// acknowledged write must be there.
//
// Embedded Redis on purpose (whatever VAULTOVER_REDIS says): the test must own the Redis processes to
// kill them. Durability 'aof-always' (fsync before each reply): with 'none' a killed Redis comes back
// empty, and this test fails, as it should, at the first restart of the primary's Redis (the vault and
// every acknowledged write are gone).

const PRIMARY = 'westeurope';
const SECONDARY = 'northeurope';
const VAULT = 'vaultover';
const WRITERS = 3;
const VICTIMS = ['secondary region', 'primary region', 'primary redis', 'secondary redis'] as const;
type Victim = (typeof VICTIMS)[number];
/** Each victim this many times, in a random order. */
const ROUNDS_PER_VICTIM = 3;
/** Longest random wait before a kill and before the restart. */
const MAX_WAIT_MS = 300;
/** Writes that must be acknowledged, and entries the secondary must apply, after every restart. */
const PROGRESS = 5;
const OP_TIMEOUT_MS = 10_000;

// The chaos is reproducible (victims, waits and each writer's choices; the writers' interleaving is
// not): the seed is fixed and printed, and VAULTOVER_CHAOS_SEED runs another one.
const DEFAULT_CHAOS_SEED = 4_242;
const seed = Number(process.env.VAULTOVER_CHAOS_SEED ?? DEFAULT_CHAOS_SEED);
const random = seededRandom(seed);

let dataDir: string;
let redis: RedisProvider;
let redisOf: Record<string, RedisInstance>;
let proxy: LinkProxy;
let primary: RegionProcess | undefined;
let secondary: RegionProcess | undefined;
let ca: string;
let admin: VaultoverCredential;
let officer: VaultoverCredential;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vaultover-crash-'));
  // Clustered stores in the cluster pass: a crash of a region's Redis is then a kill -9 of the master that
  // serves the vault, and the cluster promotes its replica.
  redis = createRedisProvider({ kind: clusteredStores() ? 'cluster' : 'embedded', durability: 'aof-always' });
  const [primaryRedis, secondaryRedis] = await redis.start([PRIMARY, SECONDARY], { stores: true });
  if (!primaryRedis || !secondaryRedis) throw new Error('the Redis provider started no instance');
  redisOf = { [PRIMARY]: primaryRedis, [SECONDARY]: secondaryRedis };
  proxy = new LinkProxy({
    name: `${PRIMARY}-to-${SECONDARY}`,
    upstream: redisNodesOf(primaryRedis.url),
  });
  await proxy.start();
  const [primaryPort = 0, secondaryPort = 0] = await freePorts(2);
  const config = pairConfig({
    dataDir,
    masterKey: randomBytes(32).toString('base64'),
    ports: { primary: primaryPort, secondary: secondaryPort },
    primary: PRIMARY,
    secondary: SECONDARY,
  });
  primary = await startRegionProcess(config, {
    name: PRIMARY,
    role: 'primary',
    port: primaryPort,
    redis: primaryRedis,
    // A short trim interval: the primary trims its stream below the secondary's acks during the chaos.
    replication: { secondaries: [SECONDARY], trimIntervalMs: 100 },
  });
  secondary = await startRegionProcess(config, {
    name: SECONDARY,
    role: 'secondary',
    port: secondaryPort,
    redis: secondaryRedis,
    replication: { primaryRedisUrl: redisUrlThrough(primaryRedis.urlAs('replicator'), proxy.routes) },
  });
  // Both regions run on the one data directory, as under `vaultover up`: one CA, one token key.
  ca = await readFile(primary.caFile, 'utf8');
  admin = new VaultoverCredential({ principal: 'admin', dataDir });
  officer = new VaultoverCredential({ principal: 'officer', dataDir });
}, 60_000);

afterAll(async () => {
  await secondary?.stop();
  await primary?.stop();
  await proxy?.close();
  await redis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Status {
  state: string;
  link: string | null;
  lastPosition: number | null;
  lastAppliedPosition: number | null;
  lagEntries: number | null;
  lastError: string | null;
  digests: Record<string, string>;
}

async function status(region: RegionProcess): Promise<Status> {
  const response = await getJson(region, '/replication/status', { ca, credential: admin, timeoutMs: 15_000 });
  if (response.status !== 200) throw new Error(`status of ${region.name}: ${response.status}`);
  return response.json as Status;
}

async function healthy(region: RegionProcess): Promise<boolean> {
  try {
    return (await getJson(region, '/health', { ca, timeoutMs: 2_000 })).status === 200;
  } catch {
    return false;
  }
}

// --- The write load --------------------------------------------------------------------------------

/** What a name may hold at the end: `value:<v>`, `deleted` or `absent`. */
type Outcome = string;

/**
 * What a name may end in: the outcome of its last acknowledged operation, or that of the operation after
 * it that failed. A failed operation may or may not have happened (a process may die after the commit and
 * before the answer; the region's Redis client may even re-send an unanswered commit after reconnecting,
 * which then fails its guard and answers e.g. 404 for a delete that did happen), so after one the writer
 * never touches the name again.
 */
interface Tracked {
  acknowledged: Outcome;
  unacknowledged?: Outcome;
}

function allows(tracked: Tracked, outcome: Outcome): boolean {
  return outcome === tracked.acknowledged || outcome === tracked.unacknowledged;
}

class Load {
  readonly names = new Map<string, Tracked>();
  acknowledged = 0;
  failed = 0;
  /** Failures by HTTP status or error code, for the log. */
  readonly failures = new Map<string, number>();
  #stopped = false;
  readonly #writers: Promise<void>[] = [];
  readonly #client: SecretClient;

  constructor(client: SecretClient) {
    this.#client = client;
  }

  start(writers: number): void {
    for (let id = 0; id < writers; id++) this.#writers.push(this.#writer(id));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#writers);
  }

  async #writer(id: number): Promise<void> {
    const live: string[] = []; // names this writer set, acknowledged and not deleted since
    const writerRandom = seededRandom(seed + 1 + id);
    for (let n = 0; !this.#stopped; n++) {
      const roll = writerRandom();
      const options = { abortSignal: AbortSignal.timeout(OP_TIMEOUT_MS) };
      let name: string;
      let outcome: Outcome;
      let operation: () => Promise<unknown>;
      if (live.length > 0 && roll < 0.3) {
        const index = Math.floor(writerRandom() * live.length);
        name = live[index] as string;
        if (roll < 0.15) {
          const value = randomUUID();
          outcome = `value:${value}`;
          operation = () => this.#client.setSecret(name, value, options);
        } else {
          live.splice(index, 1);
          outcome = 'deleted';
          operation = () => this.#client.beginDeleteSecret(name, options);
        }
      } else {
        name = `w${id}-s${n}`;
        const value = randomUUID();
        outcome = `value:${value}`;
        this.names.set(name, { acknowledged: 'absent' });
        operation = () => this.#client.setSecret(name, value, options);
      }
      const tracked = this.names.get(name) as Tracked;
      try {
        await operation();
        tracked.acknowledged = outcome;
        this.acknowledged += 1;
        if (outcome !== 'deleted' && !live.includes(name)) live.push(name);
      } catch (error) {
        const { statusCode, code } = error as { statusCode?: number; code?: string };
        const kind = String(statusCode ?? code ?? (error as Error).name);
        this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
        tracked.unacknowledged = outcome;
        const index = live.indexOf(name);
        if (index >= 0) live.splice(index, 1);
        this.failed += 1;
        // Pacing, not synchronisation: do not spin on a refused connection while a process is down.
        await pause(50);
      }
    }
  }
}

// --- The chaos ---------------------------------------------------------------------------------------

/** Samples the secondary's checkpoint of the vault from its own Redis, through every crash. */
class CheckpointWatch {
  readonly samples: number[] = [];
  #stopped = false;
  readonly #client: RedisClient;
  readonly #loop: Promise<void>;

  constructor(url: string) {
    this.#client = createRedisClient(url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    this.#client.on('error', () => undefined);
    this.#loop = this.#run();
  }

  get latest(): number {
    return this.samples.at(-1) ?? 0;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        const position = Number((await this.#client.hget(checkpointKey(VAULT), 'position')) ?? 0);
        if (position !== this.samples.at(-1)) this.samples.push(position);
      } catch {
        // The secondary's Redis is down: nothing to sample.
      }
      // Sampling period, not synchronisation.
      await pause(20);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    this.#client.disconnect();
  }
}

function regionOf(victim: Victim): RegionProcess {
  const region = victim.startsWith('primary') ? primary : secondary;
  if (!region) throw new Error('the regions did not start');
  return region;
}

async function crashAndRestart(victim: Victim): Promise<void> {
  const region = regionOf(victim);
  if (victim.endsWith('region')) {
    await region.kill();
    await pause(random() * MAX_WAIT_MS);
    await region.restart();
  } else if (clusteredStores()) {
    // One master of the region's cluster, the one serving the vault, killed under the writes: its
    // replica is promoted, and the killed node comes back as that replica's replica.
    const port = await killClusterMaster(
      redis,
      redisOf[region.name] as RedisInstance,
      `${vaultPrefix(VAULT)}props`,
    );
    await pause(random() * MAX_WAIT_MS);
    await redis.restartClusterNode(region.name, port);
  } else {
    await redis.stopInstance(region.name, 'SIGKILL');
    await pause(random() * MAX_WAIT_MS);
    const restarted = await redis.restartInstance(region.name);
    expect(restarted.port).toBe(redisOf[region.name]?.port);
  }
  const primaryRegion = regionOf('primary region');
  const secondaryRegion = regionOf('secondary region');
  await pollUntil(
    `both regions answer /health after the restart of the ${victim}`,
    async () => {
      const crashes = [...primaryRegion.crashes, ...secondaryRegion.crashes];
      if (crashes.length > 0) throw new Error(`a region process crashed: ${crashes.join('; ')}`);
      return (await healthy(primaryRegion)) && (await healthy(secondaryRegion));
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
}

// --- The test ----------------------------------------------------------------------------------------

describe('crash safety of replication between region processes', () => {
  it('converges to the primary state, with every acknowledged write, through kill -9 of any process', async () => {
    const primaryRegion = regionOf('primary region');
    const secondaryRegion = regionOf('secondary region');
    const client = new SecretClient(primaryRegion.url, officer, {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
      tlsOptions: { ca },
    });
    const load = new Load(client);
    const watch = new CheckpointWatch(redisOf[SECONDARY]?.url as string);
    const schedule = shuffle(VICTIMS.flatMap((victim) => Array<Victim>(ROUNDS_PER_VICTIM).fill(victim)));
    try {
      const log: string[] = [`seed ${seed}`];
      try {
        load.start(WRITERS);
        for (const [round, victim] of schedule.entries()) {
          await pause(random() * MAX_WAIT_MS);
          const started = Date.now();
          const [acknowledgedBefore, failedBefore] = [load.acknowledged, load.failed];
          const pid = victim.endsWith('region') ? regionOf(victim).pid : null;
          await crashAndRestart(victim);
          if (pid !== null) expect(regionOf(victim).pid).not.toBe(pid);
          // The system works again: the primary acknowledges writes and the secondary applies them.
          const acknowledged = load.acknowledged;
          const applied = watch.latest;
          await pollUntil(
            `writes are acknowledged and replicated again after the restart of the ${victim}`,
            () => load.acknowledged >= acknowledged + PROGRESS && watch.latest >= applied + PROGRESS,
            { timeoutMs: 20_000, intervalMs: 20 },
          );
          log.push(
            `${round + 1} ${victim}: ${Date.now() - started} ms, ` +
              `${load.acknowledged - acknowledgedBefore} acknowledged, ${load.failed - failedBefore} failed`,
          );
        }
      } finally {
        await load.stop();
        log.push(
          `total ${load.acknowledged} acknowledged, ${load.failed} failed ` +
            `(${[...load.failures].map(([kind, n]) => `${kind}: ${n}`).join(', ')}), ${load.names.size} names`,
        );
        console.info(`replication crash test\n  ${log.join('\n  ')}`);
      }

      // The secondary catches up with the primary and holds exactly its state.
      const [p, s] = await eventually(
        async () => {
          const [p, s] = [await status(primaryRegion), await status(secondaryRegion)];
          expect(s).toMatchObject({ state: 'streaming', link: 'up', lagEntries: 0, lastError: null });
          expect(s.lastAppliedPosition).toBe(p.lastPosition);
          expect(s.digests).toEqual(p.digests);
          return [p, s] as const;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      expect(Object.keys(p.digests)).toEqual([VAULT]);
      await watch.stop();

      // The checkpoint only ever moved forward, through every crash, and ended at the primary's position.
      expect(watch.samples).toEqual([...watch.samples].sort((a, b) => a - b));
      expect(watch.samples.at(-1)).toBe(p.lastPosition);

      // Every name is in one of the states its operations allow at the primary; every acknowledged
      // operation's result is exactly there (aof-always: a Redis crash loses nothing acknowledged).
      const actual = await primaryOutcomes(client);
      const outcomeOf = (name: string) => actual.get(name) ?? 'absent';
      const wrong = [...load.names].filter(([name, tracked]) => !allows(tracked, outcomeOf(name)));
      expect(wrong.map(([name, tracked]) => ({ name, ...tracked, actual: outcomeOf(name) }))).toEqual([]);
      const tookEffect = [...load.names].filter(
        ([name, { acknowledged, unacknowledged }]) =>
          unacknowledged !== acknowledged && outcomeOf(name) === unacknowledged,
      );
      console.info(`replication crash test: ${tookEffect.length} failed operations had taken effect`);
      const stray = [...actual.keys()].filter((name) => !load.names.has(name));
      expect(stray).toEqual([]);

      // The secondary's Redis holds as many live and deleted secrets as the primary shows (the digests
      // already say the states are equal; this says what they hold).
      const live = [...actual.values()].filter((outcome) => outcome.startsWith('value:')).length;
      const deleted = [...actual.values()].filter((outcome) => outcome === 'deleted').length;
      expect(live).toBeGreaterThan(0);
      expect(deleted).toBeGreaterThan(0);
      const secondaryRedis = createRedisClient(redisOf[SECONDARY]?.url as string, {
        maxRetriesPerRequest: 2,
      });
      const primaryRedis = createRedisClient(redisOf[PRIMARY]?.url as string, { maxRetriesPerRequest: 2 });
      try {
        expect(await secondaryRedis.zcard(`${vaultPrefix(VAULT)}i:secret`)).toBe(live);
        expect(await secondaryRedis.zcard(`${vaultPrefix(VAULT)}d:secret`)).toBe(deleted);
        // The primary trimmed its stream during the run (below what the secondary acknowledged).
        expect(await primaryRedis.xlen(logKeys(VAULT).stream)).toBeLessThan(p.lastPosition ?? 0);
      } finally {
        secondaryRedis.disconnect();
        primaryRedis.disconnect();
      }
      // One change entry per acknowledged write, at least.
      expect(s.lastAppliedPosition).toBeGreaterThanOrEqual(load.acknowledged);

      // No region process died of anything but our kills.
      expect([...primaryRegion.crashes, ...secondaryRegion.crashes]).toEqual([]);
    } finally {
      await watch.stop();
    }
  }, 120_000);
});

/** Each name's outcome at the primary, read with the SDK: live names with their value, deleted ones. */
async function primaryOutcomes(client: SecretClient): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  for await (const properties of client.listPropertiesOfSecrets()) outcomes.set(properties.name, 'live');
  for await (const deleted of client.listDeletedSecrets()) outcomes.set(deleted.name, 'deleted');
  const liveNames = [...outcomes].filter(([, outcome]) => outcome === 'live').map(([name]) => name);
  const queue = [...liveNames];
  const reader = async () => {
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const secret = await client.getSecret(name);
      outcomes.set(name, `value:${secret.value}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  return outcomes;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
