import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import { encodeRegionLaunch, REGION_LAUNCH_ENV } from '../region/region-launch.ts';
import { REGION_READY_PREFIX, type RegionReady } from '../region/region-ready-line.ts';
import { ChildRegionError } from './child-region-error.ts';
import type { RegionLaunch, RegionRunner, RunningRegion } from './region-runner.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const STDERR_TAIL_LINES = 15;

/** Options of {@link childProcessRegionRunner}. */
export interface ChildRunnerOptions {
  say: Say;
  /** How long a child may take to print its ready line. Default 30000. */
  readyTimeoutMs?: number;
  /** How long a child may take to exit after SIGTERM before it is SIGKILLed. Default 5000. */
  stopTimeoutMs?: number;
}

/**
 * Runs each region node as its own OS process (`node main.ts region --name X`), as DESIGN §2 wants:
 * a crash, a kill -9 or a GC pause in one region leaves the others alone. The child gets its launch in
 * REGION_LAUNCH_ENV and a stdin pipe whose EOF tells it the supervisor is gone. Its stderr (the
 * region's JSON log lines) is passed through to ours.
 */
export function childProcessRegionRunner(config: VaultoverConfig, options: ChildRunnerOptions): RegionRunner {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  return {
    async start(launch: RegionLaunch): Promise<RunningRegion> {
      const placement = {
        name: launch.name,
        role: launch.role,
        port: launch.port,
        redisUrl: launch.redis.url,
        replication: launch.replication,
      };
      const child = spawn(process.execPath, [MAIN, 'region', '--name', launch.name], {
        env: { ...process.env, [REGION_LAUNCH_ENV]: encodeRegionLaunch({ config, placement }) },
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which then stops
        // the regions in order instead of every process racing to exit at once.
        detached: true,
      });
      const tail = stderrTail(child);
      const ready = await waitForReady(child, launch.name, readyTimeoutMs, tail).catch(async (error) => {
        await terminate(child, 0);
        throw error;
      });
      let stopping = false;
      child.once('exit', (code, signal) => {
        if (!stopping)
          options.say(`region ${launch.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
      });
      return {
        name: launch.name,
        role: launch.role,
        url: ready.url,
        caFile: ready.caFile,
        pid: ready.pid,
        async stop() {
          stopping = true;
          if (!(await terminate(child, stopTimeoutMs))) {
            throw new ChildRegionError(
              launch.name,
              `region ${launch.name} (pid ${child.pid}) did not exit within ${stopTimeoutMs} ms of SIGTERM; killed it`,
            );
          }
        },
      };
    },
  };
}

/** Passes the child's stderr through and keeps its last lines for error messages. */
function stderrTail(child: ChildProcessWithoutNullStreams): () => string[] {
  const lines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    process.stderr.write(`${line}\n`);
    lines.push(line);
    if (lines.length > STDERR_TAIL_LINES) lines.shift();
  });
  return () => [...lines];
}

function waitForReady(
  child: ChildProcessWithoutNullStreams,
  name: string,
  timeoutMs: number,
  tail: () => string[],
): Promise<RegionReady> {
  return new Promise((resolve, reject) => {
    const stdout = createInterface({ input: child.stdout });
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      stdout.off('line', onLine);
      child.off('exit', onExit);
      child.off('error', onError);
      settle();
    };
    const onLine = (line: string) => {
      if (!line.startsWith(REGION_READY_PREFIX)) return;
      finish(() => {
        try {
          resolve(JSON.parse(line.slice(REGION_READY_PREFIX.length)) as RegionReady);
        } catch {
          reject(new ChildRegionError(name, `unreadable ready line from the region process: ${line}`));
        }
      });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // Let the last stderr lines arrive before quoting them.
      setImmediate(() => finish(() => reject(exitedError(name, code, signal, tail()))));
    };
    const onError = (error: Error) =>
      finish(() => reject(new ChildRegionError(name, `could not run the region process: ${error.message}`)));
    const timer = setTimeout(
      () =>
        finish(() => reject(new ChildRegionError(name, `not ready within ${timeoutMs} ms${quote(tail())}`))),
      timeoutMs,
    );
    stdout.on('line', onLine);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** The child's own one-line reason when it gave one, else its exit status and last output. */
function exitedError(
  name: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  lines: string[],
): ChildRegionError {
  const prefix = `vaultover: could not start region ${name}: `;
  const reason = lines.findLast((line) => line.startsWith(prefix));
  if (reason !== undefined) return new ChildRegionError(name, reason.slice(prefix.length));
  return new ChildRegionError(
    name,
    `the region process exited (${signal ?? `code ${code}`}) before it was ready${quote(lines)}`,
  );
}

function quote(lines: string[]): string {
  return lines.length === 0 ? ' and printed nothing' : `; its last output:\n  ${lines.join('\n  ')}`;
}

/**
 * SIGTERM, then SIGKILL after `timeoutMs`. Resolves true when it exited within the grace period (or
 * had already exited), false when it had to be killed.
 */
async function terminate(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (graceful) return true;
  child.kill('SIGKILL');
  await exited;
  return false;
}
