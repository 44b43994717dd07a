import type { StartedRedisContainer } from '@testcontainers/redis';
import { NoContainerRuntimeError } from './errors.ts';
import { pingRedis } from './ping.ts';
import type { RedisInstance, RedisLogger, RedisProvider } from './redis-provider.ts';
import { assertNewNames, startAll } from './start-all.ts';
import { unsupportedInstanceControl } from './unsupported-operations.ts';

/** Options of the containers provider, defaults already applied. */
export interface ContainersOptions {
  image: string;
  startTimeoutMs: number;
  logger?: RedisLogger;
}

// testcontainers takes ~300 ms to import: only pay for it when containers are asked for.
async function assertContainerRuntime(): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new NoContainerRuntimeError({ cause: error });
  }
}

/** Runs one Redis container per name through testcontainers (Docker or Podman). */
export function createContainersProvider(options: ContainersOptions): RedisProvider {
  const containers = new Map<string, StartedRedisContainer>();

  async function startOne(name: string): Promise<RedisInstance> {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer(options.image)
      .withStartupTimeout(options.startTimeoutMs)
      .start();
    containers.set(name, container);
    const url = container.getConnectionUrl();
    await pingRedis(url, options.startTimeoutMs);
    options.logger?.info(`redis '${name}' ready at ${url} (container ${container.getId().slice(0, 12)})`);
    return { name, url, host: container.getHost(), port: container.getPort(), pid: null, urlAs: () => url };
  }

  async function stopOne(name: string): Promise<void> {
    const container = containers.get(name);
    containers.delete(name);
    await container?.stop();
  }

  return {
    kind: 'containers',
    async start(names) {
      assertNewNames(names, containers);
      await assertContainerRuntime();
      return startAll(names, startOne, stopOne);
    },
    ...unsupportedInstanceControl('containers'),
    async stop() {
      await Promise.all([...containers.keys()].map(stopOne));
    },
  };
}
