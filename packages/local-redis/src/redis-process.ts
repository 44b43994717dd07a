import { type ChildProcess, spawn } from 'node:child_process';
import { OutputTail, portInUse, withDeadline } from '@vaultover/foundation';
import { RedisNotInstalledError, RedisPortInUseError, RedisStartError } from './errors.ts';

import { disownPid, ownPid } from './owned-pids.ts';
import { pingRedis } from './ping.ts';
import type { RedisDurability } from './redis-provider.ts';
import { PID_LINE_PREFIX, WRAPPER_SCRIPT } from './wrapper-script.ts';

const READY_LINE = 'Ready to accept connections';
const STOP_GRACE_MS = 5_000;

/** What one redis-server needs; redisServerPath is already resolved. */
export interface RedisProcessOptions {
  redisServerPath: string;
  port: number;
  dir: string;
  /** The ACL file redis-server loads (`--aclfile`): its users and their rules. */
  aclFile: string;
  /** The URL readiness is checked with, credentials included (the default user is off). */
  pingUrl: string;
  startTimeoutMs: number;
  durability: RedisDurability;
  /** A node of a Redis Cluster (embedded-cluster.ts); absent for a server of its own. */
  cluster?: ClusterNodeSettings;
}

/** What makes a redis-server a cluster node. */
export interface ClusterNodeSettings {
  /** The cluster bus's port (nodes gossip and fail over through it); any free port, not port + 10000. */
  busPort: number;
  /** How long a node may not answer before the others count it failed and promote its replica. */
  nodeTimeoutMs: number;
  /**
   * A config file (mode 0600) with `masteruser` and `masterauth`, how a replica authenticates to its
   * master: in a file, because `ps` shows every argument to every local user.
   */
  secretsFile: string;
}

/** Sub-directory of the data dir that holds the AOF files (base + incremental + manifest). */
export const AOF_DIR_NAME = 'appendonly';

/** A redis-server we started (through the wrapper), ready to answer PING. */
export interface RedisProcess {
  readonly pid: number;
  /** Signals redis-server itself and resolves once it and its wrapper are gone. Idempotent. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Persistence flags: none at all, or an AOF (with an RDB preamble) in the data dir. */
function persistenceArgs(durability: RedisDurability): string[] {
  if (durability === 'none') return ['--save', '', '--appendonly', 'no'];
  const fsync = durability === 'aof-always' ? 'always' : 'everysec';
  return [
    ...['--save', '', '--appendonly', 'yes', '--appendfsync', fsync],
    ...['--appenddirname', AOF_DIR_NAME, '--aof-use-rdb-preamble', 'yes'],
  ];
}

/**
 * A cluster node's flags, after its secrets file (redis-server reads a config file only as its first
 * argument). `nodes.conf` is the node's own record of the cluster, in its data dir, so a restarted node
 * rejoins as what it was. A replica starts its first sync at once rather than after 5 s of waiting for
 * other replicas to share it (`repl-diskless-sync-delay`).
 */
function clusterArgs(cluster: ClusterNodeSettings | undefined): { before: string[]; after: string[] } {
  if (!cluster) return { before: [], after: [] };
  return {
    before: [cluster.secretsFile],
    after: [
      ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
      ...['--cluster-port', String(cluster.busPort), '--cluster-node-timeout', String(cluster.nodeTimeoutMs)],
      ...['--repl-diskless-sync-delay', '0'],
    ],
  };
}

// The wrapper adds --dir itself, as it needs the dir too; the AOF dir is relative to it.
// The ACL file, not --user or --requirepass: arguments are what `ps` shows every local user.
function redisArgs({ port, durability, aclFile, cluster }: RedisProcessOptions): string[] {
  const { before, after } = clusterArgs(cluster);
  return [
    ...before,
    ...['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes'],
    ...['--aclfile', aclFile],
    ...persistenceArgs(durability),
    ...after,
    '--daemonize',
    'no',
  ];
}

function signalPid(pid: number | null, signal: NodeJS.Signals): void {
  if (pid === null) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Follows one wrapper child: redis's pid, its readiness, and when everything it started is gone. */
function watch(child: ChildProcess) {
  const tail = new OutputTail(20);
  let pid: number | null = null;
  let sawReadyLine = false;
  let exitCode: number | null = null;
  let markReady: (pid: number) => void = () => {};
  const ready = new Promise<number>((resolve) => {
    markReady = resolve;
  });
  const onLine = (line: string) => {
    if (line.startsWith(PID_LINE_PREFIX)) {
      pid = Number(line.slice(PID_LINE_PREFIX.length));
      ownPid(pid);
    }
    sawReadyLine ||= line.includes(READY_LINE);
    if (pid !== null && sawReadyLine) markReady(pid);
  };
  if (child.stdout) tail.follow(child.stdout, onLine);
  if (child.stderr) tail.follow(child.stderr, onLine);
  // If only the wrapper died, closing its stdin makes the watcher kill the orphaned redis.
  child.once('exit', (code) => {
    exitCode = code;
    child.stdin?.destroy();
  });
  // 'close' waits for every holder of the output pipes, redis included: after it, redis is gone.
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      if (pid !== null) disownPid(pid);
      pid = null;
      resolve();
    }),
  );
  return { tail, ready, closed, pid: () => pid, exitCode: () => exitCode };
}

type Watch = ReturnType<typeof watch>;

// /bin/sh's exit status when it cannot find the command to run.
const COMMAND_NOT_FOUND = 127;

/** Why redis-server did not start, told by codes (the shell's exit status, the OS's on a bind), not by its log. */
async function startFailure(
  options: RedisProcessOptions,
  w: Watch,
  outcome: 'exited' | 'timeout',
): Promise<Error> {
  const output = `Last lines of its output:\n${w.tail}`;
  if (w.exitCode() === COMMAND_NOT_FOUND) return new RedisNotInstalledError(options.redisServerPath);
  for (const port of [options.port, options.cluster?.busPort]) {
    if (port !== undefined && (await portInUse(port))) {
      return new RedisPortInUseError(`redis-server could not bind port ${port}: already in use.\n${output}`);
    }
  }
  const what =
    outcome === 'timeout'
      ? `did not answer PING within ${options.startTimeoutMs} ms`
      : `exited (code ${w.exitCode()}) before it was ready`;
  return new RedisStartError(`redis-server on port ${options.port} ${what}.\n${output}`);
}

/** Signals redis-server itself, and SIGKILLs it and its wrapper if they are not gone in time. */
async function stopWatched(child: ChildProcess, w: Watch, signal: NodeJS.Signals): Promise<void> {
  signalPid(w.pid(), signal);
  const result = await withDeadline(w.closed, STOP_GRACE_MS, () => 'still running' as const);
  if (result !== 'still running') return;
  signalPid(w.pid(), 'SIGKILL');
  child.kill('SIGKILL');
  await w.closed;
}

/** Spawns redis-server through the wrapper and resolves once it answers PING; kills it on failure. */
export async function startRedisProcess(options: RedisProcessOptions): Promise<RedisProcess> {
  const startedAt = Date.now();
  const { redisServerPath, dir, startTimeoutMs } = options;
  const args = ['-c', WRAPPER_SCRIPT, 'vaultover-redis', redisServerPath, dir, ...redisArgs(options)];
  // Own process group: a Ctrl-C in the terminal reaches us, and we stop redis after what depends on it.
  // The wrapper still dies with us through its stdin pipe, even when we are SIGKILLed.
  const child = spawn('/bin/sh', args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const w = watch(child);
  // A failed PING after the ready line counts as not answering in time. While redis loads its AOF, PING
  // answers LOADING: pingRedis keeps asking until a real PONG or the deadline.
  const answered = w.ready.then(async (pid) => {
    await pingRedis(options.pingUrl, Math.max(500, startTimeoutMs - (Date.now() - startedAt)), {
      waitWhileLoading: true,
    });
    return { pid };
  });
  const outcome = await withDeadline(
    Promise.race([answered.catch(() => 'timeout' as const), w.closed.then(() => 'exited' as const)]),
    startTimeoutMs,
    () => 'timeout' as const,
  );
  if (typeof outcome === 'object') {
    return { pid: outcome.pid, stop: (signal = 'SIGTERM') => stopWatched(child, w, signal) };
  }
  // Closing stdin also works before the pid is known, but makes the wrapper delete the data dir, which a
  // failed restartInstance must keep.
  if (w.pid() === null) child.stdin?.end();
  await stopWatched(child, w, 'SIGKILL');
  throw await startFailure(options, w, outcome);
}
