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
 * unless VAULTOVER_REDIS says otherwise), from `base` (a config file's content; the defaults when absent)
 * with the scenario's overrides, the request log on (the run counts attempts on the server) and its data in
 * the run folder. The config is validated whole, so the overrides meet the config's own rules (a probe
 * timeout under its interval…).
 */
export function scenarioDeployment(say: Say, base: ConfigBase = {}): DeploymentStarter {
  return async (overrides: DeploymentOverrides, dataDir: string) => {
    const config = scenarioConfig(overrides, dataDir, base);
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
    const links = { ...endpoints.links, regionOf: kernelLinkRegions(config) };
    return {
      endpoints: { ...endpoints, control: endpoints.control, redis: readable, links },
      async stop() {
        for (const { name, error } of await topology.stop()) {
          say(`could not stop ${name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };
  };
}

/** Each kernel link that leads to a region's network namespace, and that region. */
function kernelLinkRegions(config: VaultoverConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.links.kernel).flatMap(([link, { netns }]) => {
      const region = config.regions.find((candidate) => candidate.netns === netns);
      return region ? [[link, region.name]] : [];
    }),
  );
}

/** A config file's content as written (readConfigInput), which a scenario's overrides go over. */
export type ConfigBase = Record<string, unknown>;

// The sections a scenario may override field by field; the others it gives whole (docs/scenarios.md).
const MERGED_SECTIONS = ['monitor', 'failover', 'replication', 'propagationDelays'] as const;

/**
 * The deployment config of a scenario run: `base` with the scenario's overrides over it (field by field
 * in the timing sections, whole elsewhere), warnings only, the request log on, the data in `dataDir`.
 * Throws ConfigError for a result the config refuses.
 */
export function scenarioConfig(
  overrides: DeploymentOverrides,
  dataDir: string,
  base: ConfigBase = {},
): VaultoverConfig {
  const merged: ConfigBase = { ...base, ...overrides };
  for (const section of MERGED_SECTIONS) {
    if (overrides[section] !== undefined)
      merged[section] = { ...objectOf(base[section]), ...overrides[section] };
  }
  const observability = { ...objectOf(base.observability), requestLog: true };
  const parsed = validateConfig(
    { ...merged, dataDir, logLevel: 'warn', observability },
    'the scenario deployment',
  );
  return { ...parsed, dataDir: resolve(dataDir), file: null };
}

function objectOf(value: unknown): ConfigBase {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ConfigBase) : {};
}
