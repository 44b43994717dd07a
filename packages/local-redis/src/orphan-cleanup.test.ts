import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isProcessAlive, pollUntil, tempDir } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./test-fixtures/start-redis-and-wait.ts', import.meta.url));

describe('embedded redis lifetime', () => {
  it('dies within about a second, and its data dir goes, when its parent Node process is SIGKILLed', async () => {
    const baseDir = await tempDir();
    const parent = spawn(process.execPath, [fixture, baseDir.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    parent.stdout.on('data', (chunk) => {
      output += chunk;
    });
    parent.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    try {
      await pollUntil(`the child reports its redis pid (output so far: ${output})`, () =>
        /redis-pid \d+/.test(output),
      );
      const redisPid = Number(/redis-pid (\d+)/.exec(output)?.[1]);
      expect(isProcessAlive(redisPid)).toBe(true);
      expect(await readdir(baseDir.path)).toHaveLength(1);

      parent.kill('SIGKILL');
      await exited;
      await pollUntil('the orphaned redis-server is gone', () => !isProcessAlive(redisPid), {
        timeoutMs: 1_500,
      });
      await pollUntil('its data dir is gone', async () => (await readdir(baseDir.path)).length === 0, {
        timeoutMs: 1_500,
      });
    } finally {
      parent.kill('SIGKILL');
      await baseDir.remove();
    }
  });
});
