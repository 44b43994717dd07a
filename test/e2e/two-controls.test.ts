import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { VaultoverCredential } from '@vaultover/auth';
import type { Endpoints } from '@vaultover/cli';
import { type CliProcess, startCli } from '@vaultover/cli/test-support';
import type { ControlEvent, ControlStatus } from '@vaultover/control';
import { redisUrlFromEndpoints } from '@vaultover/local-redis';
import { bearerCall, deploymentRedisMode, isProcessAlive, pollUntil } from '@vaultover/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each transition is a BullMQ job whose id is its kind and epoch, so that two monitors, or a monitor
// restarted mid-transition, never fail over twice or leave a transition half done
// (docs/design.md#failover-state-and-transitions). Shown here by running two control processes and by
// killing one mid-window.
//
// `vaultover up` (its control process is #1) plus `vaultover control` started alone against the same
// endpoints (#2): both monitor the regions and both decide. A crash of the primary must give one
// failover, not two. Then the control process that runs a transition job is SIGKILLed in the middle of
// its window (first a failback, then a forced failover, with a fresh control #3 started in between):
// the other one must resume the job and finish it exactly once.

const MONITOR = { probeIntervalMs: 200, probeTimeoutMs: 150, failureThreshold: 2, recoveryThreshold: 2 };
/** Windows long enough to kill their runner well inside them. */
const WINDOW_MS = 3000;
const FAILOVER = {
  failoverWindowMs: WINDOW_MS,
  failbackWindowMs: WINDOW_MS,
  minFailedOverMs: 500,
  leaseMs: 600,
};
/** TransitionQueue's default lock: a dead runner's job is taken over after about this long. */
const JOB_LOCK_MS = 3000;
const CONFIG = `logLevel: info
monitor: { probeIntervalMs: ${MONITOR.probeIntervalMs}, probeTimeoutMs: ${MONITOR.probeTimeoutMs}, failureThreshold: ${MONITOR.failureThreshold}, recoveryThreshold: ${MONITOR.recoveryThreshold} }
failover: { failoverWindowMs: ${FAILOVER.failoverWindowMs}, failbackWindowMs: ${FAILOVER.failbackWindowMs}, minFailedOverMs: ${FAILOVER.minFailedOverMs}, leaseMs: ${FAILOVER.leaseMs} }
`;
const SCOPE = 'https://vault.azure.net/.default';

let cwd: string;
let up: CliProcess | undefined;
const alone: CliProcess[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-two-controls-'));
  await writeFile(join(cwd, 'vaultover.yaml'), `dataDir: ${join(cwd, 'state')}\n${CONFIG}`);
});

afterAll(async () => {
  for (const cli of alone) if (isRunning(cli)) cli.child.kill('SIGKILL');
  if (up && isRunning(up)) {
    up.child.kill('SIGINT');
    const stopped = await Promise.race([up.exited.then(() => true), pause(10_000, false)]);
    if (!stopped) up.child.kill('SIGKILL');
  }
  await rm(cwd, { recursive: true, force: true });
});

function isRunning(cli: CliProcess): boolean {
  return cli.child.exitCode === null && cli.child.signalCode === null;
}

/** A control process of this deployment: its API and OS process. */
interface Control {
  name: string;
  url: string;
  pid: number;
  /** Its stderr (JSON log lines; for #1 mixed into `up`'s). */
  stderr: () => string;
}

/**
 * The control process that logged the move into `to` at `epoch`, and the pid it logged it under (from
 * the log lines: a control process restarted by `vaultover up` logs into the same stream under a new pid).
 */
function moverOf(
  controls: Control[],
  to: string,
  epoch: number,
): { control: Control; pid: number } | undefined {
  for (const control of controls) {
    for (const line of control.stderr().split('\n')) {
      if (!line.includes('"failover state moved"')) continue;
      let entry: { pid: number; to: string; epoch: number };
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // the line is still being written
      }
      if (entry.to === to && entry.epoch === epoch) return { control, pid: entry.pid };
    }
  }
  return undefined;
}

describe('two control processes over one deployment', () => {
  it('fail over once, and a transition whose runner is killed mid-window is finished once by the other', async () => {
    up = startCli(['up', '--config', 'vaultover.yaml'], cwd, { VAULTOVER_REDIS: deploymentRedisMode() });
    const line = await up.waitForLine('vaultover ready ', 30_000);
    const endpoints = JSON.parse(line.slice('vaultover ready '.length)) as Endpoints;
    const ca = await readFile(endpoints.caFile, 'utf8');
    const admin = new VaultoverCredential({ principal: 'admin', dataDir: endpoints.dataDir });
    const api = async (control: Control, method: 'GET' | 'POST', path: string, expected = 200) => {
      const response = await bearerCall(
        method,
        `${control.url}${path}`,
        ca,
        (await admin.getToken(SCOPE)).token,
      );
      expect(response.status, `${control.name} ${method} ${path}: ${response.body}`).toBe(expected);
      return JSON.parse(response.body) as unknown;
    };
    const status = async (control: Control) => (await api(control, 'GET', '/api/status')) as ControlStatus;
    const waitForState = (control: Control, state: ControlStatus['state'], timeoutMs: number) =>
      pollUntil(`${control.name} reports ${state}`, async () => (await status(control)).state === state, {
        timeoutMs,
        intervalMs: 50,
      });
    const events = async (control: Control) =>
      ((await api(control, 'GET', '/api/events?limit=1000')) as { value: ControlEvent[] }).value;
    const transitions = async (control: Control) =>
      (await events(control))
        .filter((e) => e.kind === 'transition' && e.details.from !== undefined)
        .map((e) => ({ from: e.details.from, to: e.details.to, epoch: e.details.epoch }));
    const upProcess = up;
    /**
     * Waits for the window `windowState` at `epoch`, finds the control process whose job moved into it
     * (its log line), SIGKILLs it inside the window, and waits for the other to finish the job.
     */
    const killRunnerMidWindow = async (
      live: Control[],
      windowState: ControlStatus['state'],
      epoch: number,
      endState: ControlStatus['state'],
    ) => {
      const watcher = live.at(-1) as Control;
      await waitForState(watcher, windowState, 15_000);
      const { windowEndsAt } = await status(watcher);
      const windowEnd = Date.parse(windowEndsAt as string);
      let runner: { control: Control; pid: number } | undefined;
      await pollUntil(`the runner of the move to ${windowState} has logged it`, () => {
        runner = moverOf(live, windowState, epoch);
        return runner !== undefined;
      });
      const { control: killed, pid } = runner as { control: Control; pid: number };
      const others = live.filter((c) => c !== killed);
      process.kill(pid, 'SIGKILL');
      expect(Date.now(), 'killed inside the window').toBeLessThan(windowEnd - 1000);
      await pollUntil(`${killed.name} (pid ${pid}) is gone`, () => !isProcessAlive(pid), {
        timeoutMs: 5000,
      });
      // The job is held by its dead runner until its lock runs out; then another one resumes it.
      await waitForState(others[0] as Control, endState, WINDOW_MS + JOB_LOCK_MS + 5000);
      expect(Date.now()).toBeGreaterThanOrEqual(windowEnd);
      const finisher = moverOf(others, endState, epoch + 1);
      expect(finisher, `a survivor finished the move to ${endState}`).toBeDefined();
      expect(moverOf([killed], endState, epoch + 1)).toBeUndefined();
      const survivor = (finisher as { control: Control }).control;
      return { killed, survivor };
    };
    const first: Control = {
      name: 'control #1 (vaultover up)',
      url: endpoints.control as string,
      pid: endpoints.controlPid as number,
      stderr: () => upProcess.stderr(),
    };
    const startAlone = async (name: string): Promise<Control> => {
      const cli = startCli(
        ['control', '--config', 'vaultover.yaml', '--endpoints', '.vaultover/endpoints.json'],
        cwd,
      );
      alone.push(cli);
      const ready = JSON.parse(
        (await cli.waitForLine('vaultover control ready ', 30_000)).slice('vaultover control ready '.length),
      ) as { control: string; pid: number };
      return { name, url: ready.control, pid: ready.pid, stderr: () => cli.stderr() };
    };
    const second = await startAlone('control #2 (alone)');
    expect(second.url).not.toBe(first.url);
    for (const control of [first, second]) {
      expect(await status(control)).toMatchObject({
        state: 'normal',
        epoch: 1,
        regions: { westeurope: { healthy: true }, northeurope: { healthy: true } },
      });
    }

    // 1. Both monitors see the crash, both decide to fail over: one failover.
    expect(await api(first, 'POST', '/api/regions/westeurope/crash')).toEqual({
      region: 'westeurope',
      fault: 'crash',
    });
    await waitForState(second, 'failed-over', 15_000);
    for (const control of [first, second]) {
      expect(await status(control)).toMatchObject({
        state: 'failed-over',
        epoch: 3,
        serving: 'northeurope',
        regions: { westeurope: { healthy: false } },
      });
    }
    const downVerdicts = (await events(first)).filter(
      (e) => e.kind === 'probe' && e.details.region === 'westeurope' && e.details.healthy === false,
    );
    expect(downVerdicts, 'each monitor records its own verdict').toHaveLength(2);
    expect(await transitions(first)).toEqual([
      { from: 'normal', to: 'failing-over', epoch: 2 },
      { from: 'failing-over', to: 'failed-over', epoch: 3 },
    ]);

    // 2. Failback with its runner killed mid-window: the other control process finishes it.
    expect(await api(first, 'POST', '/api/regions/westeurope/restart')).toMatchObject({
      region: 'westeurope',
    });
    const { killed, survivor } = await killRunnerMidWindow([first, second], 'failing-back', 4, 'normal');
    expect(await status(survivor)).toMatchObject({ state: 'normal', epoch: 5, serving: 'westeurope' });
    expect(await transitions(survivor)).toEqual([
      { from: 'normal', to: 'failing-over', epoch: 2 },
      { from: 'failing-over', to: 'failed-over', epoch: 3 },
      { from: 'failed-over', to: 'failing-back', epoch: 4 },
      { from: 'failing-back', to: 'normal', epoch: 5 },
    ]);
    // 3. A forced failover with its runner killed mid-window, a fresh control process #3 beside.
    const third = await startAlone('control #3 (alone)');
    await waitForState(third, 'normal', 5000);
    // The new monitor needs its own verdict on the secondary before it would fail over.
    await pollUntil('control #3 judges both regions healthy', async () => {
      const { regions } = await status(third);
      return regions.westeurope?.healthy === true && regions.northeurope?.healthy === true;
    });
    // Paused (for every control process: the flag is in the control Redis), so that no automatic
    // failback follows the forced failover.
    await api(survivor, 'POST', '/api/monitor/pause');
    expect(await api(survivor, 'POST', '/api/failover', 202)).toMatchObject({ accepted: true, epoch: 5 });
    // When #1 was the one killed, `vaultover up` has started it again: a worker of the same queue too.
    const restarted = killed === first ? [{ ...first, name: 'control #1 (restarted by vaultover up)' }] : [];
    const { killed: killed2, survivor: survivor2 } = await killRunnerMidWindow(
      [survivor, third, ...restarted],
      'failing-over',
      6,
      'failed-over',
    );
    expect(await status(survivor2)).toMatchObject({ state: 'failed-over', epoch: 7, serving: 'northeurope' });
    expect(await transitions(survivor2)).toEqual([
      { from: 'normal', to: 'failing-over', epoch: 2 },
      { from: 'failing-over', to: 'failed-over', epoch: 3 },
      { from: 'failed-over', to: 'failing-back', epoch: 4 },
      { from: 'failing-back', to: 'normal', epoch: 5 },
      { from: 'normal', to: 'failing-over', epoch: 6 },
      { from: 'failing-over', to: 'failed-over', epoch: 7 },
    ]);
    // One BullMQ job per kind and epoch, each completed once: the ids the decisions of every control
    // process collapse into.
    const redis = new Redis(
      await redisUrlFromEndpoints(endpoints.redis.control?.url as string, endpoints.dataDir),
    );
    try {
      const prefix = 'vo:control:bull:transitions:';
      const jobs: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const id = key.slice(prefix.length);
          if (/^(failover|failback)-\d+$/.test(id)) jobs.push(id);
        }
      } while (cursor !== '0');
      expect(jobs.sort()).toEqual(['failback-3', 'failover-1', 'failover-5']);
      expect((await redis.zrange(`${prefix}completed`, '0', '-1')).sort()).toEqual([
        'failback-3',
        'failover-1',
        'failover-5',
      ]);
      expect(await redis.zrange(`${prefix}failed`, '0', '-1')).toEqual([]);
    } finally {
      redis.disconnect();
    }

    // The supervisor outlives its control process: a dead one is reported and started again on the
    // same ports (its state is in the control Redis).
    expect(isRunning(upProcess)).toBe(true);
    if ([killed, killed2].includes(first)) {
      expect(upProcess.stderr()).toContain(
        `the control process (pid ${first.pid}) exited unexpectedly (SIGKILL); restarting it on the same ports`,
      );
      await pollUntil(
        'up restarted its control process',
        () => upProcess.stderr().includes('control process restarted (pid '),
        { timeoutMs: 30_000 },
      );
    }
    console.log(
      `two controls: failback runner ${killed.name} killed, ${survivor.name} finished; ` +
        `failover runner ${killed2.name} killed, ${survivor2.name} finished`,
    );

    for (const cli of alone) if (isRunning(cli)) cli.child.kill('SIGTERM');
    for (const cli of alone) await cli.exited;
    upProcess.child.kill('SIGINT');
    expect(await upProcess.exited).toBe(0);
  }, 60_000);
});
