// Bench child: one region node, as `vaultover up` would run it, in a process of its own.
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { startRegionNode } from '@vaultover/region';
import { pino } from 'pino';
import { runAsChild } from '../child/child-protocol.ts';
import type { ServerConfig, ServerInfo } from './server-info.ts';

runAsChild<ServerConfig, ServerInfo>(async (config) => {
  const node = await startRegionNode({
    region: 'benchregion',
    role: 'primary',
    dataDir: config.dataDir,
    redisUrl: config.redisUrl,
    vaults: [{ name: config.vault }],
    defaultVault: config.vault,
    principals: DEFAULT_PRINCIPALS,
    throttling: config.throttling,
    // Warnings and errors only, on stderr (which the orchestrator forwards): the info lines
    // would be noise, and per-request logging is not something the node does anyway.
    logger: pino({ name: 'region:bench', level: 'warn' }, pino.destination(2)),
    ...(config.controlRedisUrl ? { control: { redisUrl: config.controlRedisUrl } } : {}),
  });
  return { info: { port: node.port, caFile: node.caFile }, close: () => node.close() };
});
