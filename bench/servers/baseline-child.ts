// Bench child: the baseline the region is compared with — the least any Node HTTPS service that
// answers from Redis must do. Same TLS certificate and key as the region, same keep-alive
// timeout, same ioredis client options; the handler does one GET and writes a JSON reply of
// about the size of the region's secret bundle. Whatever the region costs beyond this is its own:
// express, authentication, authorization, routing, the Lua read, unsealing, the reply shape, metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureTlsMaterial } from '@vaultover/tls';
import { Redis } from 'ioredis';
import { runAsChild } from '../child/child-protocol.ts';
import type { ServerConfig, ServerInfo } from './server-info.ts';

// As in region-node.ts, so both servers keep idle connections open the same way.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

runAsChild<ServerConfig, ServerInfo>(async (config) => {
  const tls = await ensureTlsMaterial({ dir: join(config.dataDir, 'tls') });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 2000 });
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, handler(redis, config.key));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    redis.disconnect();
  };
  return { info: { port, caFile: tls.caFile }, close };
});

function handler(redis: Redis, key: string) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    redis.get(key).then(
      (value) => reply(res, value === null ? 404 : 200, { value, id: key }),
      (error: unknown) => reply(res, 500, { error: String(error) }),
    );
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
