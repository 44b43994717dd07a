import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, all threads) a process has used so far, in seconds, from
 * /proc/<pid>/stat; undefined where there is no /proc (macOS) or the process is gone.
 * Sampled around a load window it says which process was the bottleneck: a server at ~100%
 * is saturated, a load generator at ~100% means the figures are the client's limit.
 */
export function cpuSeconds(pid: number): number | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
  return (userTicks + systemTicks) / clockTicksPerSecond();
}

/**
 * CPU time the whole machine has used so far (all cores, in seconds), steal included: time the
 * hypervisor gave to other guests is time our processes could not run. Undefined without /proc.
 */
export function machineCpuSeconds(): number | undefined {
  const stat = readProcFile('/proc/stat');
  if (stat === undefined) return undefined;
  // "cpu  user nice system idle iowait irq softirq steal …": all but idle and iowait are busy.
  const ticks = (stat.split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / clockTicksPerSecond();
}

/** A file of /proc; undefined where there is none (macOS) or the process is gone. */
export function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU use over a window, as a percentage of one core: of each named process, and as `other`,
 * of everything else on the machine (other engineers' tests, the hypervisor's steal). A busy
 * `other` explains a run that came out slower than its neighbours.
 */
export class CpuWindow {
  readonly #pids: Record<string, number>;
  #start: Record<string, number | undefined> = {};
  #machineStart: ReturnType<typeof machineCpuSeconds>;
  #startedAt = 0;

  constructor(pids: Record<string, number>) {
    this.#pids = pids;
  }

  begin(): void {
    this.#startedAt = performance.now();
    this.#start = mapValues(this.#pids, cpuSeconds);
    this.#machineStart = machineCpuSeconds();
  }

  /** Percent of one core per process name, plus `other`; undefined where /proc could not be read. */
  end(): Record<string, number | undefined> {
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const percent = (used: number) => (seconds > 0 ? (used / seconds) * 100 : undefined);
    const processes = mapValues(this.#pids, (pid, name) => {
      const before = this.#start[name];
      const after = cpuSeconds(pid);
      return before === undefined || after === undefined ? undefined : percent(after - before);
    });
    const machineEnd = machineCpuSeconds();
    const machine =
      this.#machineStart !== undefined && machineEnd !== undefined
        ? percent(machineEnd - this.#machineStart)
        : undefined;
    const ours = Object.values(processes).reduce<number>((sum, p) => sum + (p ?? 0), 0);
    return { ...processes, other: machine === undefined ? undefined : Math.max(0, machine - ours) };
  }
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value, key)]));
}
