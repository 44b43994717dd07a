import { findExecutable } from '@vaultover/foundation';
import { ProgramNotInstalledError } from './errors.ts';
import type { PrometheusFolder } from './prometheus-folder.ts';
import { type ServedProgram, startServedProgram } from './served-program.ts';

export interface PrometheusOptions {
  folder: PrometheusFolder;
  /** How long the data is kept (Prometheus's syntax). */
  retention?: string;
  startTimeoutMs?: number;
}

/**
 * Runs Debian's `prometheus` on the folder's config and storage, on a free loopback port. Ready once
 * `/-/ready` answers: the config parsed, the storage opened, the rules loaded.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<ServedProgram> {
  const program = await findExecutable('prometheus');
  if (program === null) throw new ProgramNotInstalledError('prometheus', 'prometheus');
  const { folder } = options;
  return await startServedProgram({
    name: 'prometheus',
    program,
    args: (port) => [
      `--config.file=${folder.configFile}`,
      `--storage.tsdb.path=${folder.storageDir}`,
      `--storage.tsdb.retention.time=${options.retention ?? '7d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Its info lines (one per block compaction) are noise in `vaultover up`'s terminal.
      '--log.level=warn',
    ],
    readyPath: '/-/ready',
    // Opening a week of data (replaying its write-ahead log) takes a few seconds.
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
  });
}
