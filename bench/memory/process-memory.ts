import { readFile } from 'node:fs/promises';

/** A process's memory as the kernel counts it (/proc/<pid>/status), in bytes. */
export interface MemorySample {
  /** Resident set: what the process holds in RAM now (VmRSS). */
  rss: number;
  /** The highest RSS since the process started (VmHWM): the peak, without sampling for it. */
  peak: number;
  /** Anonymous resident memory (RssAnon): the V8 heap, buffers, malloc. */
  anon: number;
  /** Resident pages of mapped files (RssFile): the node binary and shared libraries. */
  file: number;
}

const FIELDS = { rss: 'VmRSS', peak: 'VmHWM', anon: 'RssAnon', file: 'RssFile' } as const;

/** Reads `pid`'s memory; undefined when the process is gone or there is no /proc (macOS). */
export async function readMemory(pid: number): Promise<MemorySample | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
  const sample = {
    rss: kib(FIELDS.rss) * 1024,
    peak: kib(FIELDS.peak) * 1024,
    anon: kib(FIELDS.anon) * 1024,
    file: kib(FIELDS.file) * 1024,
  };
  return Object.values(sample).every(Number.isFinite) ? sample : undefined;
}

/** Each named process's memory; a process that cannot be read is left out. */
export async function readMemories(pids: Record<string, number>): Promise<Record<string, MemorySample>> {
  const entries = await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => [name, await readMemory(pid)] as const),
  );
  return Object.fromEntries(entries.filter((e): e is [string, MemorySample] => e[1] !== undefined));
}

export const MIB = 1024 * 1024;

/** `123 MiB`. */
export function mib(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
