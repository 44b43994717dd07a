import { join } from 'node:path';
import type { RegionProcesses } from '@vaultover/control';
import { type StopFailure, StopStack } from '@vaultover/foundation';
import type { RedisInstance, RedisProvider } from '@vaultover/local-redis';
import { regionCertificateNames } from '@vaultover/region';
import { ensureTlsMaterial } from '@vaultover/tls';
import type { Say } from '../cli/say.ts';
import { deploymentHostnames, type VaultoverConfig } from '../config/index.ts';
import { ControlKeeper } from './control-keeper.ts';
import type { ControlRunner, RunningControl } from './control-runner.ts';
import { startKernelLinks } from './kernel-links.ts';
import { RegionFleet } from './region-fleet.ts';
import type { RegionReplication, RegionRunner, RunningRegion } from './region-runner.ts';
import { type ReplicationLinks, startReplicationLinks } from './replication-links.ts';
import { StartupError } from './startup-error.ts';

/** Name of the control Redis (failover state), started beside the regions' own. */
export const CONTROL_REDIS = 'control';

/** What a topology is started from. */
export interface TopologyOptions {
  config: VaultoverConfig;
  redis: RedisProvider;
  runner: RegionRunner;
  /** Starts the control process after the regions; without it nothing fails over (the demo). */
  control?: ControlRunner | undefined;
  say: Say;
}

/** A running deployment: one Redis and one region node per region, a control Redis, the links (proxies and kernel's). */
export interface Topology {
  /** Every region's Redis, then the control Redis; current (a restarted Redis has a new pid). */
  readonly redis: readonly RedisInstance[];
  /** Primary first; current (a restarted region has a new pid, never a new URL). */
  readonly regions: readonly RunningRegion[];
  readonly links: Pick<ReplicationLinks, 'api' | 'proxies' | 'kernel'>;
  /** The control process, when one was asked for. */
  readonly control: RunningControl | null;
  /** Region faults only a supervisor can inject; the control process reaches them over IPC. */
  readonly processes: RegionProcesses;
  /**
   * Awaited whenever a region or a Redis was restarted (pids changed), before the restart resolves:
   * once a restart is reported done, what the listener writes is current.
   */
  onChange(listener: () => Promise<void>): void;
  /** Stops the control process, regions, links, then Redis. Idempotent; resolves with what failed to stop. */
  stop(): Promise<StopFailure[]>;
}

/** A start-up in progress: what it was started with, what to stop on failure, the step it is at. */
interface Starting {
  readonly options: TopologyOptions;
  readonly stack: StopStack;
  step: string;
}

/**
 * Starts Redis for every region (and the control Redis), a link proxy per secondary in front of the
 * primary's Redis, each region node (primary first), then the control process. If any step fails,
 * stops what had started and throws a StartupError naming the step.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const starting: Starting = { options, stack: new StopStack(), step: 'start' };
  try {
    const redis = new Map((await startRedis(starting)).map((instance) => [instance.name, instance]));
    const { fleet, links } = await startRegions(starting, redis);
    const listeners = new Set<() => Promise<void>>();
    const changed = async () => {
      await Promise.all([...listeners].map((listener) => listener()));
    };
    fleet.onChange(changed);
    const processes = regionProcesses(fleet, options.redis, redis, changed);
    const control = options.control
      ? await startControl(starting, options.control, fleet, redis, processes, changed)
      : null;
    return {
      get redis() {
        return [...redis.values()];
      },
      get regions() {
        return fleet.list();
      },
      links: { api: links.api, proxies: links.proxies, kernel: links.kernel },
      control,
      processes,
      onChange: (listener) => listeners.add(listener),
      stop: () => starting.stack.stopAll(),
    };
  } catch (error) {
    throw new StartupError(starting.step, error, await starting.stack.stopAll());
  }
}

/**
 * The deployment's CA and server certificate, made (or renewed) here before any node starts: each node
 * would otherwise make it itself, the first under a lock, and keep the certificate libraries it loaded
 * for that in its memory for good.
 */
async function ensureDeploymentCertificate(config: VaultoverConfig): Promise<void> {
  const hostnames = regionCertificateNames({ hostnames: deploymentHostnames(config), vaults: config.vaults });
  await ensureTlsMaterial({ dir: join(config.dataDir, 'tls'), hostnames });
}

async function startRegions(
  starting: Starting,
  redis: ReadonlyMap<string, RedisInstance>,
): Promise<{ fleet: RegionFleet; links: ReplicationLinks }> {
  const { options, stack } = starting;
  const [primary, ...secondaries] = primaryFirst(options.config.regions);
  if (!primary) throw new Error('the config has no primary region');
  starting.step = 'make the TLS certificates';
  await ensureDeploymentCertificate(options.config);
  starting.step = 'bring the kernel links up';
  const kernelLinks = await startKernelLinks(options.config, stack);
  starting.step = 'start the replication link proxies';
  const secondaryNames = secondaries.map(({ name }) => name);
  const links = await startReplicationLinks(
    instanceFor(redis, primary.name),
    secondaryNames,
    options.config,
    stack,
    kernelLinks,
  );
  const fleet = new RegionFleet(options.runner, options.say);
  // Regions renew their write lease in the control Redis only when a control process watches them.
  const control = options.control
    ? {
        redisUrl: instanceFor(redis, CONTROL_REDIS).urlAs('region'),
        leaseMs: options.config.failover.leaseMs,
      }
    : undefined;
  for (const region of [primary, ...secondaries]) {
    starting.step = `start region ${region.name}`;
    options.say(`starting region ${region.name} (${region.role})…`);
    const replication: RegionReplication =
      region === primary
        ? { secondaries: secondaryNames }
        : { primaryRedisUrl: links.primaryUrlFor(region.name) };
    const running = await fleet.start({
      ...region,
      redis: instanceFor(redis, region.name),
      replication,
      ...(control ? { control } : {}),
    });
    stack.push(`region ${region.name}`, () => fleet.stop(region.name));
    options.say(`${region.name} ready at ${running.url}`);
  }
  return { fleet, links };
}

async function startControl(
  starting: Starting,
  runner: ControlRunner,
  fleet: RegionFleet,
  redis: ReadonlyMap<string, RedisInstance>,
  processes: RegionProcesses,
  changed: () => Promise<void>,
): Promise<RunningControl> {
  const { say } = starting.options;
  starting.step = 'start the control process';
  say('starting the control process (health monitor, failover, global endpoint)…');
  // Each region's Redis too: the control process reads the old primary's final position for the RPO.
  const regions = fleet.list().map(({ name, role, url }) => ({
    name,
    role,
    url,
    storeUrl: instanceFor(redis, name).urlAs('control'),
  }));
  const launch = { regions, controlRedisUrl: instanceFor(redis, CONTROL_REDIS).urlAs('control') };
  const control = await ControlKeeper.start(runner, launch, processes, say, changed);
  // Pushed last, so stopped first: nothing may fail over while the regions shut down.
  starting.stack.push('control process', () => control.stop());
  say(`global endpoint at ${control.gatewayUrl}, control API at ${control.url}`);
  return control;
}

/** The supervisor's side of the control API's region faults. */
function regionProcesses(
  fleet: RegionFleet,
  provider: RedisProvider,
  redis: Map<string, RedisInstance>,
  changed: () => Promise<void>,
): RegionProcesses {
  const regionRedis = (region: string) => {
    if (region === CONTROL_REDIS || !redis.has(region)) throw new Error(`no region ${region} here`);
    return region;
  };
  return {
    crash: (region) => fleet.crash(region),
    restart: (region) => fleet.restart(region),
    stopRedis: async (region) => provider.stopInstance(regionRedis(region), 'SIGKILL'),
    startRedis: async (region) => {
      redis.set(region, await provider.restartInstance(regionRedis(region)));
      await changed();
    },
  };
}

/**
 * The regions' stores (each a Redis Cluster when the provider's kind is `cluster`), and the control
 * Redis, always one server: its scripts span keys of no common cluster slot.
 */
async function startRedis(starting: Starting): Promise<RedisInstance[]> {
  const { config, redis, say } = starting.options;
  const stores = config.regions.map((region) => region.name);
  const names = [...stores, CONTROL_REDIS];
  starting.step = `start redis (${redis.kind}) for ${names.join(', ')}`;
  say(`starting redis for ${names.join(', ')} (${redis.kind})…`);
  // Pushed before start: a partial start leaves instances that only stop() knows about.
  starting.stack.push('redis', () => redis.stop());
  const [started, control] = await Promise.all([
    redis.start(stores, { stores: true }),
    redis.start([CONTROL_REDIS]),
  ]);
  return [...started, ...control];
}

function primaryFirst<T extends { role: string }>(regions: readonly T[]): T[] {
  return [...regions].sort((a, b) => Number(b.role === 'primary') - Number(a.role === 'primary'));
}

function instanceFor(instances: ReadonlyMap<string, RedisInstance>, name: string): RedisInstance {
  const instance = instances.get(name);
  if (!instance) throw new Error(`the Redis provider returned no instance for ${name}`);
  return instance;
}
