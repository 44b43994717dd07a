import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisProvider } from '@vaultover/local-redis';
import type { Say } from '../cli/say.ts';
import { type VaultoverConfig, validateConfig } from '../config/index.ts';
import { type ControlClient, openControlClient } from '../control-client/control-client.ts';
import { childProcessControlRunner } from '../topology/child-process-control-runner.ts';
import { childProcessRegionRunner } from '../topology/child-process-region-runner.ts';
import { buildEndpoints, type Endpoints } from '../topology/endpoints.ts';
import { redisProviderOptions } from '../topology/redis-mode.ts';
import { startTopology } from '../topology/topology.ts';
import { writeEndpointsFile } from '../up/endpoints-file.ts';

/**
 * The demo's timings: the defaults' shape, shortened so that a failover and a failback play out in
 * about twenty seconds. Detection is bounded by probeIntervalMs × failureThreshold + probeTimeoutMs.
 */
export const DEMO_TIMINGS = {
  monitor: { probeIntervalMs: 500, probeTimeoutMs: 300, failureThreshold: 3, recoveryThreshold: 3 },
  failover: {
    failoverWindowMs: 3000,
    failbackWindowMs: 2000,
    minFailedOverMs: 2000,
    autoFailback: true,
    failureMode: 'status' as const,
    leaseMs: 1000,
  },
};

/** A private deployment of the default pair, exactly as `vaultover up` runs it, in a temp directory. */
export interface DemoDeployment {
  readonly config: VaultoverConfig;
  readonly endpoints: Endpoints;
  readonly ca: string;
  readonly control: ControlClient;
  stop(): Promise<void>;
}

export async function startDemoDeployment(say: Say): Promise<DemoDeployment> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vaultover-demo-'));
  const config: VaultoverConfig = {
    ...validateConfig({ logLevel: 'error', ...DEMO_TIMINGS }, 'the demo config'),
    dataDir,
    file: null,
  };
  const redis = createRedisProvider({ ...(await redisProviderOptions(config)), durability: 'aof-always' });
  const topology = await startTopology({
    config,
    redis,
    runner: childProcessRegionRunner(config, { say }),
    control: childProcessControlRunner(config, { say }),
    say: () => {},
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const endpointsFile = join(dataDir, 'endpoints.json');
  const current = () => buildEndpoints(config, topology, process.pid);
  await writeEndpointsFile(endpointsFile, current());
  topology.onChange(() => writeEndpointsFile(endpointsFile, current()));
  const endpoints = current();
  return {
    config,
    endpoints,
    ca: await readFile(endpoints.caFile, 'utf8'),
    control: await openControlClient({ endpoints: endpointsFile }),
    async stop() {
      await topology.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
