import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cleanupOnInterrupt } from '../interrupt.ts';
import { issueToken } from '../servers/bench-stack.ts';
import type { FailoverTimings, SuiteContext } from '../suite.ts';

// The real topology, as users start it: `vaultover up` in a child process (two regions, each with
// its Redis, the link proxy, the control process with its gateway), configured in a temp directory.

const CLI_MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));
const READY_PREFIX = 'vaultover ready ';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const TAIL_LINES = 40;
/**
 * Least time failed over before the automatic failback. The product's 10 s would only lengthen
 * every run: the restarted primary needs recoveryThreshold (5) good probes anyway, and the figures
 * measured do not depend on it.
 */
export const BENCH_MIN_FAILED_OVER_MS = 1000;

/** The `vaultover ready` JSON, the parts the suite uses. */
export interface ReadyLine {
  gateway: string;
  control: string;
  controlPid: number;
  caFile: string;
  dataDir: string;
  regions: Record<string, { url: string; role: string; pid: number }>;
  redis: Record<string, { url: string; pid: number | null }>;
  links: { api: string; proxies: Record<string, string> };
}

export interface Deployment {
  readonly ready: ReadyLine;
  readonly caPem: string;
  /** Bearer token of `admin` (control API). */
  readonly adminToken: string;
  /** Bearer token of `officer` (reads and writes secrets). */
  readonly officerToken: string;
  /** The config written for `vaultover up`, for the report. */
  readonly configText: string;
  /** The current pids of the region nodes (a restart changes them), from endpoints.json. */
  regionPids(): Promise<Record<string, number>>;
  /** endpoints.json, which `vaultover up` keeps current. */
  readonly endpointsFile: string;
  /** SIGINT, then SIGKILL after a grace period; removes the temp directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts `vaultover up` with `timings`; on failure stops what had started, then throws. */
export async function startDeployment(
  context: SuiteContext,
  timings: FailoverTimings,
  /** A config of the suite's own, beside `dataDir` and `logLevel`, instead of one from `timings`. */
  ownConfig?: string,
): Promise<Deployment> {
  const workDir = await mkdtemp(join(tmpdir(), 'vaultover-bench-failover-'));
  const dataDir = join(workDir, 'state');
  const configText = `dataDir: ${JSON.stringify(dataDir)}\nlogLevel: warn\n${ownConfig ?? timingsConfig(timings)}`;
  await writeFile(join(workDir, 'vaultover.yaml'), configText);
  context.progress('starting vaultover up (two regions, control process, gateway)…');
  const up = spawn(process.execPath, [CLI_MAIN, 'up', '--config', 'vaultover.yaml'], {
    cwd: workDir,
    env: { ...process.env, VAULTOVER_REDIS: 'embedded', ...profileEnv(context.options.profileDir) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopUp(up).finally(() => rm(workDir, { recursive: true, force: true }));
    return stopping;
  };
  const forget = cleanupOnInterrupt(stop);
  try {
    const ready = await waitForReady(up);
    const caPem = await readFile(ready.caFile, 'utf8');
    const adminToken = await issueToken(ready.dataDir, 'admin');
    const officerToken = await issueToken(ready.dataDir, 'officer');
    context.progress(`ready: gateway ${ready.gateway}, control ${ready.control}`);
    const endpointsFile = join(workDir, '.vaultover', 'endpoints.json');
    const regionPids = async () => {
      const text = await readFile(endpointsFile, 'utf8');
      const regions = (JSON.parse(text) as ReadyLine).regions;
      return Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, r.pid]));
    };
    return {
      ready,
      caPem,
      adminToken,
      officerToken,
      configText,
      regionPids,
      endpointsFile,
      stop: async () => {
        forget();
        await stop();
      },
    };
  } catch (error) {
    forget();
    await stop();
    throw error;
  }
}

/**
 * With --profile every Node process of the deployment (supervisor, regions, control) writes a CPU
 * profile when it exits normally; a region killed by a crash writes none.
 */
function profileEnv(dir: string | undefined): Record<string, string> {
  if (dir === undefined) return {};
  const inherited = process.env.NODE_OPTIONS ?? '';
  return { NODE_OPTIONS: `${inherited} --cpu-prof --cpu-prof-dir=${dir}`.trim() };
}

/** Only what the suite sets, beside `dataDir` and `logLevel`; everything else keeps the product's defaults. */
function timingsConfig(timings: FailoverTimings): string {
  const monitor = [
    ['probeIntervalMs', timings.probeIntervalMs],
    ['probeTimeoutMs', timings.probeTimeoutMs],
    ['failureThreshold', timings.failureThreshold],
  ].filter(([, value]) => value !== undefined);
  const lines = [
    `failover: { failoverWindowMs: ${timings.failoverWindowMs}, minFailedOverMs: ${BENCH_MIN_FAILED_OVER_MS} }`,
  ];
  if (monitor.length > 0)
    lines.push(`monitor: { ${monitor.map(([name, value]) => `${name}: ${value}`).join(', ')} }`);
  return `${lines.join('\n')}\n`;
}

/** Resolves with the ready line's JSON; rejects, with the output's tail, on exit or timeout. */
function waitForReady(up: ChildProcess): Promise<ReadyLine> {
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  // The supervisor's own lines and errors show during the run; the gateway's per-request warnings
  // (one per failed request while the primary is down: the point of the exercise) only in the tail.
  if (up.stderr)
    createInterface({ input: up.stderr }).on('line', (line) => {
      keep(line);
      if (!isRoutineLog(line)) process.stderr.write(`  [up] ${line}\n`);
    });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`vaultover up ${why}\nLast lines of its output:\n${tail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    up.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
    if (!up.stdout) return fail('has no stdout');
    createInterface({ input: up.stdout }).on('line', (line) => {
      keep(line);
      if (!line.startsWith(READY_PREFIX)) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY_PREFIX.length)) as ReadyLine);
    });
  });
}

/** A pino line below error level (50). */
function isRoutineLog(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 0) < 50;
  } catch {
    return false;
  }
}

/** SIGINT is `up`'s orderly shutdown (regions, control, Redis); SIGKILL if it hangs. */
async function stopUp(up: ChildProcess): Promise<void> {
  if (up.exitCode !== null || up.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => up.once('exit', () => resolve()));
  up.kill('SIGINT');
  const timer = setTimeout(() => up.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
