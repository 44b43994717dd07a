import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long to wait for another process's lock, and when a lock counts as abandoned. */
export interface DirectoryLockOptions {
  /** Give up waiting after this long. Default 30 s. */
  timeoutMs?: number;
  /** A lock file older than this is left over from a crashed process. Default 10 s. */
  staleMs?: number;
}

const POLL_MS = 25;

/**
 * Runs `work` while holding `<dir>/.lock`, an exclusively created file, so that processes
 * starting together take turns instead of interleaving writes. Works across processes and
 * within one. The caller must create `dir` first.
 */
export async function withDirectoryLock<T>(
  dir: string,
  work: () => Promise<T>,
  options: DirectoryLockOptions = {},
): Promise<T> {
  const lockPath = join(dir, '.lock');
  await acquire(lockPath, options.timeoutMs ?? 30_000, options.staleMs ?? 10_000);
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tryCreate(lockPath))) {
    // Age-based, not PID-based: processes in different containers may share the directory.
    // Work under the lock takes well under a second, so a lock this old is abandoned.
    if (await isOlderThan(lockPath, staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${lockPath}; if no other Vaultover process is starting, delete it.`,
      );
    }
    await sleep(POLL_MS);
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

async function isOlderThan(path: string, ageMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ageMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
