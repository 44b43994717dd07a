import { readdir, readFile } from 'node:fs/promises';

/** A process's resident memory and open file descriptors, from /proc (Linux). */
export interface ProcessResources {
  rssBytes: number;
  fds: number;
}

/** Reads `pid`'s resources; undefined when it is gone or /proc does not say. */
export async function processResources(pid: number): Promise<ProcessResources | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    return Number.isFinite(rssKb) ? { rssBytes: rssKb * 1024, fds } : undefined;
  } catch {
    return undefined;
  }
}
