import { setTimeout as sleep } from 'node:timers/promises';
import type { Measurement } from '../load/measure-load.ts';
import { CpuWindow } from '../proc-cpu.ts';
import { type SyscallCount, syscallCount } from '../proc-syscalls.ts';
import { type LagSchedule, type LagTarget, runLagWindow } from './lag-probe.ts';
import { type LagFigures, lagFigures } from './lag-stats.ts';

/** A lag window in the harness's shape (req/s = writes/s, p50/p99 = lag from ack), plus its detail. */
export interface LagMeasurement extends Measurement {
  lag: LagFigures;
  /** System calls of the applying process (`server`) per write of the measured part; undefined without /proc. */
  serverSyscallsPerWrite: SyscallCount | undefined;
}

/** Runs one lag window and samples the CPU of `watched` processes (and this one) over its measured part. */
export async function measureLag(
  target: LagTarget,
  schedule: Omit<LagSchedule, 'onMeasuring'>,
  watched: Record<string, number>,
): Promise<LagMeasurement> {
  const cpu = new CpuWindow({ ...watched, client: process.pid });
  let cpuPercent: Record<string, number | undefined> = {};
  const server = watched.server;
  const syscalls: { begin?: SyscallCount; end?: SyscallCount } = {};
  const run = await runLagWindow(target, {
    ...schedule,
    onMeasuring: (phase) => {
      if (phase === 'begin') cpu.begin();
      else cpuPercent = cpu.end();
      if (server !== undefined) syscalls[phase] = syscallCount(server);
    },
  });
  const lag = lagFigures(run);
  const { begin, end } = syscalls;
  const samples = [...lag.errorSamples];
  if (lag.missing > 0) samples.push(`${lag.missing} acknowledged writes never seen applied`);
  return {
    ok: lag.writes - lag.failures - lag.missing,
    errors: lag.failures + lag.missing,
    errorSamples: samples,
    windowMs: lag.windowMs,
    requestsPerSecond: lag.writesPerSecond,
    p50Ms: lag.fromAck.p50,
    p99Ms: lag.fromAck.p99,
    maxMs: lag.fromAck.max,
    totalOk: run.count - run.failures,
    cpuPercent,
    lag,
    serverSyscallsPerWrite:
      begin && end && lag.writes > 0
        ? { reads: (end.reads - begin.reads) / lag.writes, writes: (end.writes - begin.writes) / lag.writes }
        : undefined,
  };
}

/** Writes one item and waits until it is seen applied: the replica follows before a window opens. */
export async function awaitReplicating(target: LagTarget, prefix: string, timeoutMs: number): Promise<void> {
  let seen = false;
  const forget = target.onApplied((p) => {
    if (p === prefix) seen = true;
  });
  try {
    await target.write(prefix, 0);
    const deadline = Date.now() + timeoutMs;
    while (!seen && Date.now() < deadline) await sleep(10);
    if (!seen)
      throw new Error(`a write was not seen applied within ${timeoutMs} ms: is the replica replicating?`);
  } finally {
    forget();
  }
}
