import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDirectoryLock } from './directory-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vo-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withDirectoryLock', () => {
  it('runs holders one at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    const holder = () =>
      withDirectoryLock(dir, async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await sleep(10);
        inside -= 1;
      });
    await Promise.all([holder(), holder(), holder()]);
    expect(maxInside).toBe(1);
  });

  it('releases the lock when the work throws', async () => {
    await expect(withDirectoryLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withDirectoryLock(dir, async () => 'again', { timeoutMs: 100 })).resolves.toBe('again');
  });

  it('takes over a lock abandoned by a crashed process', async () => {
    const lock = join(dir, '.lock');
    await writeFile(lock, '999999\n');
    const longAgo = new Date(Date.now() - 120_000);
    await utimes(lock, longAgo, longAgo);
    await expect(withDirectoryLock(dir, async () => 'ok', { timeoutMs: 100 })).resolves.toBe('ok');
  });

  it('gives up on a live lock after the timeout, naming the file', async () => {
    await writeFile(join(dir, '.lock'), '1\n');
    await expect(withDirectoryLock(dir, async () => 'never', { timeoutMs: 60 })).rejects.toThrow(/\.lock/);
  });
});
