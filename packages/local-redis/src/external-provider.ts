import { ExternalRedisUnreachableError, RedisConfigError } from './errors.ts';
import { pingRedis } from './ping.ts';
import type { RedisInstance, RedisProvider } from './redis-provider.ts';
import { unsupportedInstanceControl } from './unsupported-operations.ts';

/** Options of the external provider, defaults already applied. */
export interface ExternalOptions {
  urls: readonly string[] | Readonly<Record<string, string>>;
  startTimeoutMs: number;
}

function urlFor(urls: ExternalOptions['urls'], names: readonly string[], index: number): string {
  const name = names[index] as string;
  const url = Array.isArray(urls) ? urls[index] : (urls as Record<string, string>)[name];
  if (url) return url;
  throw new RedisConfigError(
    Array.isArray(urls)
      ? `${names.length} Redis instances needed (${names.join(', ')}) but only ${urls.length} URL(s) given ` +
          '(set VAULTOVER_REDIS_URLS to a comma-separated list, one URL per instance)'
      : `no Redis URL given for '${name}'`,
  );
}

async function resolveInstance(name: string, url: string, timeoutMs: number): Promise<RedisInstance> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisConfigError(
      `a Redis URL for '${name}' is not one (expected redis://[user:password@]host:port, or redis-cluster://…)`,
    );
  }
  try {
    await pingRedis(url, timeoutMs);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExternalRedisUnreachableError(
      `Redis at ${withoutPassword(parsed)} (for '${name}') does not answer PING: ${reason}`,
      {
        cause: error,
      },
    );
  }
  return {
    name,
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    pid: null,
    urlAs: () => url,
  };
}

/** The URL for a message: a password never goes into an error or a log line. */
function withoutPassword(url: URL): string {
  const copy = new URL(url);
  if (copy.password !== '') copy.password = '***';
  return copy.toString();
}

/** Uses Redis servers someone else runs; never starts or stops them. */
export function createExternalProvider(options: ExternalOptions): RedisProvider {
  return {
    kind: 'external',
    async start(names) {
      const urls = names.map((_, index) => urlFor(options.urls, names, index));
      return Promise.all(
        names.map((name, index) => resolveInstance(name, urls[index] as string, options.startTimeoutMs)),
      );
    },
    ...unsupportedInstanceControl('external'),
    // The servers are not ours: nothing to stop.
    async stop() {},
  };
}
