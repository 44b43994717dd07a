import type { RedisInstance, RedisProvider } from '@vaultover/local-redis';
import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import type { RegionRunner, RunningRegion } from './region-runner.ts';
import { StartupError } from './startup-error.ts';
import { type StopFailure, StopStack } from './stop-stack.ts';

/** What a topology is started from. */
export interface TopologyOptions {
  config: VaultoverConfig;
  redis: RedisProvider;
  runner: RegionRunner;
  say: Say;
}

/** A running deployment: one Redis and one region node per region. */
export interface Topology {
  readonly redis: readonly RedisInstance[];
  /** Primary first. */
  readonly regions: readonly RunningRegion[];
  /** Stops regions, then Redis. Idempotent; resolves with what failed to stop. */
  stop(): Promise<StopFailure[]>;
}

/**
 * Starts Redis for every region, then each region node, primary first. If any step fails, stops
 * what had started and throws a StartupError naming the step.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const stack = new StopStack();
  const started = { step: 'start', regions: [] as RunningRegion[] };
  try {
    const redis = await startRedis(options, stack, started);
    for (const region of primaryFirst(options.config.regions)) {
      started.step = `start region ${region.name}`;
      options.say(`starting region ${region.name} (${region.role})…`);
      const running = await options.runner.start({ ...region, redis: instanceFor(redis, region.name) });
      stack.push(`region ${region.name}`, () => running.stop());
      started.regions.push(running);
      options.say(`${region.name} ready at ${running.url}`);
    }
    return { redis, regions: started.regions, stop: () => stack.stopAll() };
  } catch (error) {
    throw new StartupError(started.step, error, await stack.stopAll());
  }
}

async function startRedis(
  { config, redis, say }: TopologyOptions,
  stack: StopStack,
  started: { step: string },
): Promise<RedisInstance[]> {
  const names = config.regions.map((region) => region.name);
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
