import { spawn } from 'node:child_process';
import { runCommand } from '@vaultover/foundation';
import { pollUntil } from '../poll.ts';
import { tempDir } from '../temp-dir.ts';
import type { NetworkPlace } from './namespace-network.ts';

/** The port every namespace's Redis listens on: each namespace has its ports to itself. */
export const NAMESPACE_REDIS_PORT = 6379;

/** A redis-server in a place's namespace, on its address; the URL is reachable from the network's places. */
export interface NamespaceRedis {
  readonly url: string;
  /** SIGTERM, then resolves once it has exited and its directory is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server inside `place`'s namespace, listening on the place's address only, without
 * persistence or users (what a deployment in namespaces takes as `redis.mode: external`). Resolves once it
 * answers PING there (asked with redis-cli inside the namespace: the test's own namespace has no route to
 * it).
 */
export async function startNamespaceRedis(place: NetworkPlace): Promise<NamespaceRedis> {
  const dir = await tempDir('vaultover-netns-redis-');
  const inPlace = (...command: string[]) => ['netns', 'exec', place.netns, ...command];
  const port = String(NAMESPACE_REDIS_PORT);
  const options = ['--dir', dir.path, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
  const server = spawn('ip', inPlace('redis-server', '--bind', place.address, '--port', port, ...options), {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const stop = async () => {
    if (!gone) server.kill('SIGTERM');
    await exited;
    await dir.remove();
  };
  try {
    await pollUntil(
      `redis-server in ${place.netns} answers`,
      async () => {
        if (gone) throw new Error(`redis-server in ${place.netns} exited before it answered`);
        const ping = inPlace('redis-cli', '-h', place.address, '-p', port, 'ping');
        return (await runCommand('ip', ping).catch(() => '')).trim() === 'PONG';
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://${place.address}:${NAMESPACE_REDIS_PORT}`, stop };
}
