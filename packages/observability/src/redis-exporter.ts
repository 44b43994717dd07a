import { findExecutable } from '@vaultover/foundation';
import { type ServedProgram, startServedProgram } from './served-program.ts';

/** Debian's name for oliver006/redis_exporter. */
export const REDIS_EXPORTER = 'prometheus-redis-exporter';

/** Whether the exporter is installed; without it the dashboards' Redis rows stay empty. */
export async function findRedisExporter(): Promise<string | null> {
  return await findExecutable(REDIS_EXPORTER);
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
  const url = new URL(redisUrl);
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
