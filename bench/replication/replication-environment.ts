import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisProvider, type RedisInstance } from '@vaultover/local-redis';
import { type RunningChild, startChild } from '../child/start-child.ts';
import { cleanupOnInterrupt } from '../interrupt.ts';
import { CleanupStack, profileFlags } from '../servers/bench-stack.ts';
import type { ServerInfo } from '../servers/server-info.ts';
import type { SuiteContext } from '../suite.ts';
import { type BarePair, startBarePair } from './bare-pair.ts';
import { type NativePair, startNativePair } from './native-pair.ts';
import type { SecondaryConfig } from './secondary-child.ts';
import { startVaultPair, type VaultPair } from './vault-pair.ts';

const VAULT = 'bench';
const CHILD_START_TIMEOUT_MS = 60_000;

/** Four Redis servers (two per pair), the secondary region node, the bare relay, all pairs ready to write. */
export interface ReplicationEnvironment {
  readonly primary: RedisInstance;
  readonly secondary: RedisInstance;
  readonly nativeMaster: RedisInstance;
  readonly nativeReplica: RedisInstance;
  readonly native: NativePair;
  readonly ours: VaultPair;
  /** The floor: a bare stream relay between the vault pair's own two Redis servers. */
  readonly bare: BarePair;
  /** Undefined once stopped (the resync scenario runs its own replicator). */
  secondaryNode: RunningChild<ServerInfo> | undefined;
  stopSecondaryNode(): Promise<void>;
  /** Stops everything that was started, in reverse order. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Every Redis is an embedded redis-server of the same binary and settings (no persistence), so the
 * native pair and ours differ only in what replicates. On start, nothing else runs: the windows
 * take turns, never overlap.
 */
export async function startReplicationEnvironment(
  context: SuiteContext,
  valueBytes: number,
): Promise<ReplicationEnvironment> {
  const stack = new CleanupStack();
  const forget = cleanupOnInterrupt(() => stack.run());
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'vaultover-bench-repl-'));
    stack.push(() => rm(workDir, { recursive: true, force: true }));
    context.progress('starting four Redis servers (primary, secondary, native master, native replica)…');
    const provider = createRedisProvider({ kind: 'embedded' });
    stack.push(() => provider.stop());
    const [primary, secondary, nativeMaster, nativeReplica] = await provider.start([
      'primary',
      'secondary',
      'native-master',
      'native-replica',
    ]);
    if (!primary || !secondary || !nativeMaster || !nativeReplica) throw new Error('Redis did not start');
    const native = await startNativePair(nativeMaster, nativeReplica, valueBytes);
    stack.push(() => native.close());
    const ours = await startVaultPair(primary, secondary, VAULT, valueBytes);
    stack.push(() => ours.close());
    // After the vault pair: its observer's notify-keyspace-events setting must include the bare one's.
    const bare = await startBarePair(primary, secondary, valueBytes);
    stack.push(() => bare.close());
    context.progress('starting the secondary region node…');
    const config: SecondaryConfig = {
      dataDir: join(workDir, 'secondary'),
      redisUrl: secondary.url,
      primaryRedisUrl: primary.url,
      vault: VAULT,
    };
    const node = await startChild<ServerInfo>({
      name: 'secondary',
      entry: new URL('./secondary-child.ts', import.meta.url),
      config,
      server: true,
      // With --profile, the replicator's process writes a CPU profile when it stops.
      execArgv: profileFlags(context),
      readyTimeoutMs: CHILD_START_TIMEOUT_MS,
    });
    stack.push(() => node.stop());
    // The address only: the URL carries the admin user's password, which no log line may show.
    context.progress(
      `secondary region node pid ${node.pid}, replicating from ${primary.host}:${primary.port}`,
    );
    const env: ReplicationEnvironment = {
      primary,
      secondary,
      nativeMaster,
      nativeReplica,
      native,
      ours,
      bare,
      secondaryNode: node,
      async stopSecondaryNode() {
        await env.secondaryNode?.stop();
        env.secondaryNode = undefined;
      },
      async stop() {
        forget();
        await stack.run();
      },
    };
    return env;
  } catch (error) {
    forget();
    await stack.run();
    throw error;
  }
}
