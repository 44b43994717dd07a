import { resolve } from 'node:path';
import { createRedisProvider } from '@vaultover/local-redis';
import type { DeploymentOverrides, DeploymentStarter } from '@vaultover/scenario';
import type { Say } from '../cli/say.ts';
import { type VaultoverConfig, validateConfig } from '../config/index.ts';
import { childProcessControlRunner } from '../topology/child-process-control-runner.ts';
import { childProcessRegionRunner } from '../topology/child-process-region-runner.ts';
import { buildEndpoints } from '../topology/endpoints.ts';
import { redisProviderOptions } from '../topology/redis-mode.ts';
import { startTopology } from '../topology/topology.ts';

/**
 * Starts a scenario's deployment as `vaultover up` does (the same processes, free ports, embedded Redis
 * unless VAULTOVER_REDIS says otherwise), from the default config with the scenario's overrides, the
 * request log on (the run counts attempts on the server) and its data in the run folder. The config is
 * validated whole, so the overrides meet the config's own rules (a probe timeout under its interval…).
 */
export function scenarioDeployment(say: Say): DeploymentStarter {
  return async (overrides: DeploymentOverrides, dataDir: string) => {
    const config = scenarioConfig(overrides, dataDir);
    const quiet: Say = () => {};
    const redis = createRedisProvider({ ...(await redisProviderOptions(config)), logger: { info: quiet } });
    const topology = await startTopology({
      config,
      redis,
      runner: childProcessRegionRunner(config, { say: quiet }),
      control: childProcessControlRunner(config, { say: quiet }),
      say: quiet,
    });
    const endpoints = buildEndpoints(config, topology, process.pid);
    if (endpoints.control === null) throw new Error('the scenario deployment has no control process');
    // The runner reads the request log in the control Redis: it gets the URL with the admin's
    // credentials, which endpoints.json redacts. It stays in this process, never printed or written.
    const readable = Object.fromEntries(topology.redis.map(({ name, url }) => [name, { url }]));
    return {
      endpoints: { ...endpoints, control: endpoints.control, redis: readable },
      async stop() {
        for (const { name, error } of await topology.stop()) {
          say(`could not stop ${name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };
  };
}

/** The deployment config of a scenario run. Throws ConfigError for overrides the config refuses. */
export function scenarioConfig(overrides: DeploymentOverrides, dataDir: string): VaultoverConfig {
  const parsed = validateConfig(
    { ...overrides, dataDir, logLevel: 'warn', observability: { requestLog: true } },
    'the scenario deployment',
  );
  return { ...parsed, dataDir: resolve(dataDir), file: null };
}
