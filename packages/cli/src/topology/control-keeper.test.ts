import type { RegionProcesses } from '@vaultover/control';
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

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ControlKeeper', () => {
  it('starts a control process that exited unasked again on the same ports, and says so', async () => {
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
    );
    expect(keeper.pid).toBe(101);
    exits[0]?.('the control process (pid 101) exited unexpectedly (SIGKILL)');
    await until(() => changes === 1);
    expect(launches[1]?.ports).toEqual({ api: 4001, gateway: 4002 });
    expect(keeper.pid).toBe(102);
    expect(keeper.url).toBe('https://localhost:4001');
    expect(said).toEqual([
      'the control process (pid 101) exited unexpectedly (SIGKILL); restarting it on the same ports…',
      'control process restarted (pid 102)',
    ]);
  });

  it('gives up after five restarts within a minute, and never restarts after stop()', async () => {
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
    );
    for (let i = 0; i < 5; i++) {
      exits[i]?.('exited');
      await until(() => changes === i + 1);
    }
    exits[5]?.('exited');
    expect(said.at(-1)).toMatch(/exited 5 times within a minute, so it is not restarted again/);
    expect(launches).toHaveLength(6);

    const other = fakeRunner();
    const stopped = await ControlKeeper.start(
      other.runner,
      launch,
      processes,
      () => {},
      async () => {},
    );
    await stopped.stop();
    other.exits[0]?.('exited');
    // A non-event: past the restart delay, nothing was started.
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS + 100));
    expect(other.launches).toHaveLength(1);
    expect(keeper.pid).toBe(106);
  });
});
