import type { RedisInstance, RedisProvider } from '@vaultover/local-redis';
import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import type { RegionReplication, RegionRunner, RunningRegion } from './region-runner.ts';
import { type ReplicationLinks, startReplicationLinks } from './replication-links.ts';
import { StartupError } from './startup-error.ts';
import { type StopFailure, StopStack } from './stop-stack.ts';

/** Name of the control Redis (failover state), started beside the regions' own. */
export const CONTROL_REDIS = 'control';

/** What a topology is started from. */
export interface TopologyOptions {
  config: VaultoverConfig;
  redis: RedisProvider;
  runner: RegionRunner;
  say: Say;
}

/** A running deployment: one Redis and one region node per region, a control Redis, the links. */
export interface Topology {
  /** Every region's Redis, then the control Redis. */
  readonly redis: readonly RedisInstance[];
  /** Primary first. */
  readonly regions: readonly RunningRegion[];
  readonly links: Pick<ReplicationLinks, 'api' | 'proxies'>;
  /** Stops regions, links, then Redis. Idempotent; resolves with what failed to stop. */
  stop(): Promise<StopFailure[]>;
}

/**
 * Starts Redis for every region (and the control Redis), a link proxy per secondary in front of the
 * primary's Redis, then each region node, primary first. If any step fails, stops what had started
 * and throws a StartupError naming the step.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const stack = new StopStack();
  const started = { step: 'start', regions: [] as RunningRegion[] };
  try {
    const redis = await startRedis(options, stack, started);
    const [primary, ...secondaries] = primaryFirst(options.config.regions);
    if (!primary) throw new Error('the config has no primary region');
    started.step = 'start the replication link proxies';
    const secondaryNames = secondaries.map(({ name }) => name);
    const links = await startReplicationLinks(instanceFor(redis, primary.name), secondaryNames, stack);
    for (const region of [primary, ...secondaries]) {
      started.step = `start region ${region.name}`;
      options.say(`starting region ${region.name} (${region.role})…`);
      const replication: RegionReplication =
        region === primary
          ? { secondaries: secondaryNames }
          : { primaryRedisUrl: links.primaryUrlFor(region.name) };
      const running = await options.runner.start({
        ...region,
        redis: instanceFor(redis, region.name),
        replication,
      });
      stack.push(`region ${region.name}`, () => running.stop());
      started.regions.push(running);
      options.say(`${region.name} ready at ${running.url}`);
    }
    return {
      redis,
      regions: started.regions,
      links: { api: links.api, proxies: links.proxies },
      stop: () => stack.stopAll(),
    };
  } catch (error) {
    throw new StartupError(started.step, error, await stack.stopAll());
  }
}

async function startRedis(
  { config, redis, say }: TopologyOptions,
  stack: StopStack,
  started: { step: string },
): Promise<RedisInstance[]> {
  const names = [...config.regions.map((region) => region.name), CONTROL_REDIS];
  started.step = `start redis (${redis.kind}) for ${names.join(', ')}`;
  say(`starting redis for ${names.join(', ')} (${redis.kind})…`);
  // Pushed before start: a partial start leaves instances that only stop() knows about.
  stack.push('redis', () => redis.stop());
  return redis.start(names);
}

function primaryFirst<T extends { role: string }>(regions: readonly T[]): T[] {
  return [...regions].sort((a, b) => Number(b.role === 'primary') - Number(a.role === 'primary'));
}

function instanceFor(instances: readonly RedisInstance[], name: string): RedisInstance {
  const instance = instances.find((candidate) => candidate.name === name);
  if (!instance) throw new Error(`the Redis provider returned no instance for ${name}`);
  return instance;
}
