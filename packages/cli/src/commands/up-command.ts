import { createRedisProvider } from '@vaultover/local-redis';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { loadConfig, type RedisMode, type VaultoverConfig } from '../config/index.ts';
import { childProcessControlRunner } from '../topology/child-process-control-runner.ts';
import { childProcessRegionRunner } from '../topology/child-process-region-runner.ts';
import type { ControlRunner } from '../topology/control-runner.ts';
import { buildEndpoints } from '../topology/endpoints.ts';
import { redisProviderOptions } from '../topology/redis-mode.ts';
import { startTopology, type Topology } from '../topology/topology.ts';
import { type DeploymentWatch, watchDeployment } from '../up/deployment-watch.ts';
import { endpointsPath, removeEndpointsFile, writeEndpointsFile } from '../up/endpoints-file.ts';
import { assertNoOtherInstance } from '../up/instance-guard.ts';
import { sayReadyHints } from '../up/ready-hints.ts';
import { listenForShutdown, type ShutdownSignals } from '../up/shutdown-signals.ts';
import { type ThrottlingFlagMode, withThrottlingMode } from '../up/throttling-override.ts';

/** Options of `vaultover up`. */
export interface UpOptions {
  config?: string | undefined;
  /** Overrides the config's `throttling.mode`. */
  throttling?: ThrottlingFlagMode | undefined;
  /** Runs Prometheus (the config's `observability.prometheus: true`). */
  prometheus?: boolean | undefined;
  /** Overrides VAULTOVER_REDIS and the config's `redis.mode`. */
  redis?: RedisMode | undefined;
}

const FORCED_EXIT_CODE = 130;

/**
 * `vaultover up`: starts the topology, announces it (stdout line + endpoints.json), then runs until a
 * stop signal and stops everything. Resolves with the exit code; start-up failures throw.
 */
export async function runUp(options: UpOptions, say: Say = sayOnStderr): Promise<number> {
  const cwd = process.cwd();
  const config = withPrometheus(
    withThrottlingMode(await loadConfig({ file: options.config, cwd }), options.throttling),
    options.prometheus,
  );
  const control = controlRunnerFor(config, say);
  const endpointsFile = endpointsPath(cwd);
  await assertNoOtherInstance(endpointsFile);
  // Acknowledged writes must survive a kill -9 of a region's Redis (embedded only; costs an fsync per write).
  const redis = createRedisProvider({
    ...(await redisProviderOptions(config, process.env, options.redis)),
    durability: 'aof-always',
    logger: { info: say },
  });
  const shutdown = listenForShutdown((signal) => {
    say(
      `${signal} again: exiting now without cleaning up (embedded redis and the region processes die with this process)`,
    );
    process.exit(FORCED_EXIT_CODE);
  });
  try {
    const runner = childProcessRegionRunner(config, { say });
    const topology = await startTopology({ config, redis, runner, control, say });
    const watch = await startWatching(config, topology, say);
    if (!shutdown.received()) {
      const endpoints = buildEndpoints(config, topology, process.pid, watch.prometheus);
      await writeEndpointsFile(endpointsFile, endpoints);
      await writeStdout(`vaultover ready ${JSON.stringify(endpoints)}\n`);
      sayReadyHints(say, config, endpoints, options.config);
      keepEndpointsCurrent(topology, config, watch, endpointsFile, say);
    }
    return await stopOnSignal(shutdown, topology, watch, endpointsFile, say);
  } finally {
    shutdown.dispose();
  }
}

/**
 * The control process fails over one pair: two regions get one; a single region runs without (nothing
 * to fail over to); more than two are refused before anything starts.
 */
function controlRunnerFor(config: VaultoverConfig, say: Say): ControlRunner | undefined {
  if (config.regions.length === 1) {
    say('one region: no control process, no failover (clients talk to the region directly)');
    return undefined;
  }
  if (config.regions.length > 2) {
    throw new CliError(
      `config${config.file ? ` ${config.file}` : ''} has ${config.regions.length} regions; vaultover up fails ` +
        'over one pair: keep one primary and one secondary (or run the others with vaultover region)',
      { exitCode: EXIT.usage },
    );
  }
  return childProcessControlRunner(config, { say });
}

function withPrometheus(config: VaultoverConfig, flag: boolean | undefined): VaultoverConfig {
  if (flag !== true) return config;
  return { ...config, observability: { ...config.observability, prometheus: true } };
}

/** The topology is running: a failure to watch it must stop it before the error is reported. */
async function startWatching(
  config: VaultoverConfig,
  topology: Topology,
  say: Say,
): Promise<DeploymentWatch> {
  try {
    return await watchDeployment(config, topology, say);
  } catch (error) {
    await topology.stop();
    throw error;
  }
}

/** A restarted region or Redis has a new pid: endpoints.json must name the process that runs now. */
function keepEndpointsCurrent(
  topology: Topology,
  config: VaultoverConfig,
  watch: DeploymentWatch,
  file: string,
  say: Say,
): void {
  // Chained: of two restarts at once, the older picture must not land last.
  let writing = Promise.resolve();
  topology.onChange(() => {
    writing = writing
      .then(() => writeEndpointsFile(file, buildEndpoints(config, topology, process.pid, watch.prometheus)))
      .catch((error: unknown) =>
        say(`could not update ${file}: ${error instanceof Error ? error.message : String(error)}`),
      );
    return writing;
  });
}

async function stopOnSignal(
  shutdown: ShutdownSignals,
  topology: Topology,
  watch: DeploymentWatch,
  endpointsFile: string,
  say: Say,
): Promise<number> {
  const signal = await shutdown.requested;
  say(`${signal}: stopping (Ctrl-C again to force)…`);
  // Prometheus first: it would only record the deployment going away as scrape errors.
  const watchFailure = await watch.stop().then(
    () => [],
    (error: unknown) => [{ name: 'prometheus', error }],
  );
  const failures = [...watchFailure, ...(await topology.stop())];
  await removeEndpointsFile(endpointsFile, process.pid);
  for (const { name, error } of failures) {
    say(`could not stop ${name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
  }
  say(failures.length === 0 ? 'stopped' : 'stopped, with errors (see above)');
  return failures.length === 0 ? 0 : 1;
}
