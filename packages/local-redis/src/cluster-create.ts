import { spawn } from 'node:child_process';
import { OutputTail } from '@vaultover/foundation';
import { RedisStartError } from './errors.ts';

/** What `redis-cli --cluster create` needs: the nodes (masters first), and the admin's credentials. */
export interface ClusterCreateOptions {
  redisCliPath: string;
  ports: readonly number[];
  adminPassword: string;
}

/**
 * Makes one cluster of fresh nodes with `redis-cli --cluster create`: it shares the 16384 slots among the
 * first half of the nodes and makes each of the others a replica of one of them, then waits until every
 * node agrees on the layout. The admin's password goes through `REDISCLI_AUTH`, never the command line
 * (which `ps` shows every local user).
 */
export async function createCluster(options: ClusterCreateOptions): Promise<void> {
  const nodes = options.ports.map((port) => `127.0.0.1:${port}`);
  const args = [
    '--user',
    'admin',
    '--cluster',
    'create',
    ...nodes,
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ];
  const child = spawn(options.redisCliPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REDISCLI_AUTH: options.adminPassword },
  });
  const tail = new OutputTail(20);
  if (child.stdout) tail.follow(child.stdout, () => {});
  if (child.stderr) tail.follow(child.stderr, () => {});
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new RedisStartError(
      `redis-cli --cluster create exited with code ${code} for ${nodes.join(' ')}.\nLast lines of its output:\n${tail}`,
    );
  }
}
