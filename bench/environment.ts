import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

/** The machine the figures come from: without it, a req/s figure means little. */
export interface Environment {
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGiB: number;
}

export function describeEnvironment(): Environment {
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${type()} ${release()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}
