// Bench child: the floor under a region node's memory. What every region node is made of before any of
// Vaultover's code: Node running a TypeScript module (type stripping loads its compiler), an HTTPS server
// with the deployment's certificate, and an ioredis client connected to the region's Redis. Started with
// the same Node flags and environment as the product's nodes, and left as idle as they are.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { Redis } from 'ioredis';
import { runAsChild } from '../child/child-protocol.ts';

/** What the orchestrator tells the bare child. */
export interface BareNodeConfig {
  certFile: string;
  keyFile: string;
  redisUrl: string;
}

runAsChild<BareNodeConfig, { port: number }>(async (config) => {
  const [cert, key] = await Promise.all([readFile(config.certFile), readFile(config.keyFile)]);
  const server = createServer({ cert, key }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redis = new Redis(config.redisUrl, { enableAutoPipelining: true });
  await redis.ping();
  const address = server.address();
  return {
    info: { port: typeof address === 'object' && address ? address.port : 0 },
    close: async () => {
      redis.disconnect();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
