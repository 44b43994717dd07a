import type { RegionProcesses } from '@vaultover/control';
import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { ControlKeeper, RESTART_DELAY_MS } from './control-keeper.ts';
import type { ControlLaunch, ControlRunner, RunningControl } from './control-runner.ts';

/** A runner whose processes the test kills by calling their exit callback. */
function fakeRunner() {
  const launches: ControlLaunch[] = [];
  const exits: ((reason: string) => void)[] = [];
  let pid = 100;
  const runner: ControlRunner = {
    async start(launch, _processes, onUnexpectedExit): Promise<RunningControl> {
      launches.push(launch);
      exits.push(onUnexpectedExit ?? (() => {}));
      const api = launch.ports?.api ?? 4001;
      const gateway = launch.ports?.gateway ?? 4002;
      return {
        gatewayUrl: `https://localhost:${gateway}`,
        url: `https://localhost:${api}`,
        pid: ++pid,
        stop: async () => {},
      };
    },
  };
  return { runner, launches, exits };
}

const processes = {} as RegionProcesses;
const launch: ControlLaunch = { regions: [], controlRedisUrl: 'redis://127.0.0.1:1' };

/** Lets the keeper's restart (started by a timer) run its awaits. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A keeper over a fake runner, on a manual clock; `changes()` counts the restarts it reported. */
async function startKeeper() {
  const clock = new ManualClock();
  const { runner, launches, exits } = fakeRunner();
  const said: string[] = [];
  let changes = 0;
  const keeper = await ControlKeeper.start(
    runner,
    launch,
    processes,
    (line) => said.push(line),
    async () => {
      changes++;
    },
    clock,
  );
  return { clock, keeper, launches, exits, said, changes: () => changes };
}

describe('ControlKeeper', () => {
  it('starts a control process that exited unasked again on the same ports, after the delay, and says so', async () => {
    const { clock, keeper, launches, exits, said, changes } = await startKeeper();
    expect(keeper.pid).toBe(101);
    exits[0]?.('the control process (pid 101) exited unexpectedly (SIGKILL)');
    await clock.advance(RESTART_DELAY_MS - 1);
    expect(launches).toHaveLength(1);
    await clock.advance(1);
    await settle();
    expect(changes()).toBe(1);
    expect(launches[1]?.ports).toEqual({ api: 4001, gateway: 4002 });
    expect(keeper.pid).toBe(102);
    expect(keeper.url).toBe('https://localhost:4001');
    expect(said).toEqual([
      'the control process (pid 101) exited unexpectedly (SIGKILL); restarting it on the same ports…',
      'control process restarted (pid 102)',
    ]);
  });

  it('gives up after five restarts within a minute, and never restarts after stop()', async () => {
    const { clock, keeper, launches, exits, said, changes } = await startKeeper();
    for (let i = 0; i < 5; i++) {
      exits[i]?.('exited');
      await clock.advance(RESTART_DELAY_MS);
      await settle();
      expect(changes()).toBe(i + 1);
    }
    exits[5]?.('exited');
    expect(said.at(-1)).toMatch(/exited 5 times within a minute, so it is not restarted again/);
    expect(launches).toHaveLength(6);

    const other = fakeRunner();
    const otherClock = new ManualClock();
    const stopped = await ControlKeeper.start(
      other.runner,
      launch,
      processes,
      () => {},
      async () => {},
      otherClock,
    );
    await stopped.stop();
    other.exits[0]?.('exited');
    await otherClock.advance(RESTART_DELAY_MS * 10);
    await settle();
    expect(other.launches).toHaveLength(1);
    expect(keeper.pid).toBe(106);
  });

  it('restarts again once the earlier restarts have left the one-minute window', async () => {
    const clock = new ManualClock();
    const { runner, launches, exits } = fakeRunner();
    const said: string[] = [];
    await ControlKeeper.start(
      runner,
      launch,
      processes,
      (line) => said.push(line),
      async () => {},
      clock,
    );
    for (let i = 0; i < 5; i++) {
      exits[i]?.('exited');
      await clock.advance(RESTART_DELAY_MS);
      await settle();
    }
    expect(launches).toHaveLength(6);
    await clock.advance(60_000);
    exits[5]?.('exited');
    await clock.advance(RESTART_DELAY_MS);
    await settle();
    expect(launches).toHaveLength(7);
    expect(said.at(-1)).toBe('control process restarted (pid 107)');
  });
});
