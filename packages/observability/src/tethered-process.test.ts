import { spawn } from 'node:child_process';
import { isProcessAlive, pollUntil } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { startTethered } from './tethered-process.ts';

describe('a tethered program', () => {
  it('is stopped by stop() and reports its own pid', async () => {
    const child = startTethered('sleep', ['300']);
    const pid = await child.pid;
    expect(isProcessAlive(pid)).toBe(true);
    await child.stop();
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('dies when the process that started it is killed with SIGKILL', async () => {
    // A Node process starts a tethered sleep, prints its pid, and is then killed without any chance to clean up.
    const module = new URL('./tethered-process.ts', import.meta.url).href;
    const script = `const { startTethered } = await import(${JSON.stringify(module)});
      const child = startTethered('sleep', ['300']);
      console.log(await child.pid);`;
    const parent = spawn(
      process.execPath,
      ['--input-type=module', '-e', `${script}; setInterval(() => {}, 1000);`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (data) => resolve(Number(String(data)))),
    );
    expect(isProcessAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await pollUntil(`the tethered sleep (pid ${pid}) is gone`, () => !isProcessAlive(pid));
  });
});
