import { findExecutable } from '@vaultover/foundation';
import { nodeUrl, parseRedisUrl } from '@vaultover/foundation/redis';
import { type ServedProgram, startServedProgram } from './served-program.ts';

/** Debian's name for oliver006/redis_exporter. */
export const REDIS_EXPORTER = 'prometheus-redis-exporter';

/** Whether the exporter is installed; without it the dashboards' Redis rows stay empty. */
export async function findRedisExporter(): Promise<string | null> {
  return await findExecutable(REDIS_EXPORTER);
}

/**
 * The one server an exporter watches: the Redis itself, or a cluster's first node (the exporter reads one
 * node's INFO; it adds `CLUSTER INFO`'s state when that node is a cluster's), without credentials.
 */
function watchedServer(redisUrl: string): URL {
  const target = parseRedisUrl(redisUrl);
  const [first] = target.kind === 'cluster' ? target.seeds : [];
  return new URL(first ? nodeUrl(first, target.kind === 'cluster' ? target : {}) : redisUrl);
}

/**
 * One exporter for one Redis, on a free loopback port. It connects at every scrape, so a restarted Redis
 * on the same URL is watched again without restarting the exporter. Credentials of an external Redis go
 * through the environment, never its command line (which `ps` shows).
 */
export async function startRedisExporter(
  program: string,
  name: string,
  redisUrl: string,
): Promise<ServedProgram> {
  const url = watchedServer(redisUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url.username !== '') env.REDIS_USER = decodeURIComponent(url.username);
  if (url.password !== '') env.REDIS_PASSWORD = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return await startServedProgram({
    name: `redis exporter for ${name}`,
    program,
    // No CONFIG: Vaultover's Redis users may not run it (packages/local-redis, redis-users.ts), and the
    // exporter's CONFIG GET would only add a maxmemory gauge the dashboards do not use.
    args: (port) => [
      `--redis.addr=${url.toString()}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--config-command=-',
    ],
    readyPath: '/metrics',
    startTimeoutMs: 10_000,
    env,
  });
}
