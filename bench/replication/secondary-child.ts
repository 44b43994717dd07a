// Bench child: the secondary region node, as `vaultover up` runs it, in a process of its own. Its
// replicator pulls straight from the primary's Redis (no link proxy: the figures are the
// replicator's own, not a proxy's).
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { startRegionNode } from '@vaultover/region';
import { pino } from 'pino';
import { runAsChild } from '../child/child-protocol.ts';
import type { ServerInfo } from '../servers/server-info.ts';

/** What the orchestrator tells the secondary child. */
export interface SecondaryConfig {
  dataDir: string;
  /** The secondary's own Redis. */
  redisUrl: string;
  /** The primary's Redis, which the replicator reads the change streams from. */
  primaryRedisUrl: string;
  /** The vault served on `localhost` (a standby creates none: they come from the primary). */
  vault: string;
}

runAsChild<SecondaryConfig, ServerInfo>(async (config) => {
  const node = await startRegionNode({
    region: 'northeurope',
    role: 'secondary',
    dataDir: config.dataDir,
    redisUrl: config.redisUrl,
    vaults: [],
    defaultVault: config.vault,
    principals: DEFAULT_PRINCIPALS,
    replication: { primaryRedisUrl: config.primaryRedisUrl },
    logger: pino({ name: 'region:bench-secondary', level: 'warn' }, pino.destination(2)),
  });
  return { info: { port: node.port, caFile: node.caFile }, close: () => node.close() };
});
