import { readProcFile } from './proc-cpu.ts';

/** Read-like and write-like system calls a process has made so far (`syscr`, `syscw` of /proc/<pid>/io). */
export interface SyscallCount {
  reads: number;
  writes: number;
}

/**
 * The process's system calls so far; undefined where there is no /proc (macOS) or the process is gone.
 * Counted around a window and divided by its items, they say how many times a process went to the
 * kernel per item: on a VM, where every call is dear, a figure that other work on the machine blurs
 * less than CPU time (it can only lower it, by making batches larger).
 */
export function syscallCount(pid: number): SyscallCount | undefined {
  const io = readProcFile(`/proc/${pid}/io`);
  if (io === undefined) return undefined;
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1]);
  const reads = field('syscr');
  const writes = field('syscw');
  return Number.isFinite(reads) && Number.isFinite(writes) ? { reads, writes } : undefined;
}
