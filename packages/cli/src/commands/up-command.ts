import { createRedisProvider } from '@vaultover/local-redis';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { loadConfig } from '../config/index.ts';
import { childProcessRegionRunner } from '../topology/child-process-region-runner.ts';
import { buildEndpoints } from '../topology/endpoints.ts';
import { redisProviderOptions } from '../topology/redis-mode.ts';
import { startTopology, type Topology } from '../topology/topology.ts';
import { endpointsPath, removeEndpointsFile, writeEndpointsFile } from '../up/endpoints-file.ts';
import { assertNoOtherInstance } from '../up/instance-guard.ts';
import { sayReadyHints } from '../up/ready-hints.ts';
import { listenForShutdown, type ShutdownSignals } from '../up/shutdown-signals.ts';

/** Options of `vaultover up`. */
export interface UpOptions {
  config?: string | undefined;
}

const FORCED_EXIT_CODE = 130;

/**
 * `vaultover up`: starts the topology, announces it (stdout line + endpoints.json), then runs until a
 * stop signal and stops everything. Resolves with the exit code; start-up failures throw.
 */
export async function runUp(options: UpOptions, say: Say = sayOnStderr): Promise<number> {
  const cwd = process.cwd();
  const config = await loadConfig({ file: options.config, cwd });
  const endpointsFile = endpointsPath(cwd);
  await assertNoOtherInstance(endpointsFile);
  // Acknowledged writes must survive a kill -9 of a region's Redis (embedded only; costs an fsync per write).
  const redis = createRedisProvider({
    ...redisProviderOptions(config),
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
    const topology = await startTopology({ config, redis, runner, say });
    if (!shutdown.received()) {
      const endpoints = buildEndpoints(config, topology, process.pid);
      await writeEndpointsFile(endpointsFile, endpoints);
      await writeStdout(`vaultover ready ${JSON.stringify(endpoints)}\n`);
      sayReadyHints(say, config, endpoints, options.config);
    }
    return await stopOnSignal(shutdown, topology, endpointsFile, say);
  } finally {
    shutdown.dispose();
  }
}

async function stopOnSignal(
  shutdown: ShutdownSignals,
  topology: Topology,
  endpointsFile: string,
  say: Say,
): Promise<number> {
  const signal = await shutdown.requested;
  say(`${signal}: stopping (Ctrl-C again to force)…`);
  const failures = await topology.stop();
  await removeEndpointsFile(endpointsFile, process.pid);
  for (const { name, error } of failures) {
    say(`could not stop ${name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
  }
  say(failures.length === 0 ? 'stopped' : 'stopped, with errors (see above)');
  return failures.length === 0 ? 0 : 1;
}
