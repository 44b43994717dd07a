import { readSigningKey, TokenIssuer } from '@vaultover/auth';
import { createRedisProvider, type RedisInstance } from '@vaultover/local-redis';
import { type RunningChild, startChild } from '../child/start-child.ts';
import type { SuiteContext } from '../suite.ts';
import type { ServerConfig, ServerInfo } from './server-info.ts';

// The parts every suite's environment is made of: Redis, server children, a bearer token, and
// undo steps so that whatever started is stopped, in reverse order, even after a failure.

// Longer than any sensible run, so no token expires mid-window (the SDK would refresh; we do not).
const TOKEN_TTL_SECONDS = 24 * 3600;
const SERVER_START_TIMEOUT_MS = 60_000;

/** Undo steps, run last-in first-out; each runs once even if a later one fails. */
export class CleanupStack {
  readonly #steps: (() => Promise<unknown>)[] = [];

  push(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      // A failed undo step must neither hide the error that led here nor skip the steps after it.
      await step().catch((error: unknown) => process.stderr.write(`bench: cleanup step failed: ${error}\n`));
    }
  }
}

/** An embedded Redis (or the one VAULTOVER_REDIS names), stopped by the stack. */
export async function startRedis(context: SuiteContext, stack: CleanupStack): Promise<RedisInstance> {
  context.progress('starting Redis…');
  const provider = createRedisProvider({ logger: { info: (line) => context.progress(line) } });
  stack.push(() => provider.stop());
  const [redis] = await provider.start(['bench']);
  if (!redis) throw new Error('the Redis provider started nothing');
  return redis;
}

/** A server child (`bench/servers/<name>-child.ts`), stopped by the stack. */
export async function startServer(
  context: SuiteContext,
  stack: CleanupStack,
  name: 'region' | 'baseline',
  config: ServerConfig,
  execArgv: string[],
  /** How progress names it, when two servers of a kind run (default `name`). */
  label: string = name,
): Promise<RunningChild<ServerInfo>> {
  context.progress(`starting the ${label} server…`);
  const server = await startChild<ServerInfo>({
    name: label,
    entry: new URL(`./${name}-child.ts`, import.meta.url),
    config,
    execArgv,
    server: true,
    readyTimeoutMs: SERVER_START_TIMEOUT_MS,
  });
  stack.push(() => server.stop());
  context.progress(`${label} listening on https://localhost:${server.info.port} (pid ${server.pid})`);
  return server;
}

/** Node flags for the server under test: a CPU profile when `--profile` was given. */
export function profileFlags(context: SuiteContext): string[] {
  const dir = context.options.profileDir;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

/** A long-lived bearer token for `principal`, signed with the region's key in `dataDir`. */
export async function issueToken(dataDir: string, principal: string): Promise<string> {
  const issuer = new TokenIssuer({ signingKey: await readSigningKey(dataDir) });
  return (await issuer.issue(principal, { ttlSeconds: TOKEN_TTL_SECONDS })).token;
}
