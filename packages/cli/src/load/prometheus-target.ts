import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A registered Prometheus target: its file_sd file, removed when the target goes. */
export interface PrometheusTarget {
  readonly file: string;
  remove(): Promise<void>;
}

/** The file_sd folder of a deployment's Prometheus (docs/load.md#metrics): `<dataDir>/prometheus/targets`. */
export function targetsDir(dataDir: string): string {
  return join(dataDir, 'prometheus', 'targets');
}

/**
 * Registers this `vaultover load` with the deployment's Prometheus: `load-<pid>.json` in its file_sd folder
 * (created if missing), `[{"targets":["127.0.0.1:PORT"],"labels":{"job":"vaultover-load"}}]`, written
 * atomically (Prometheus re-reads the folder on every change and must never see half a file; the
 * temporary name does not end in `.json`, so it never matches). `remove()` deletes it; a process that
 * exits without it (a second Ctrl-C) deletes it on its way out.
 */
export async function registerLoadTarget(dataDir: string, address: string): Promise<PrometheusTarget> {
  const dir = targetsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `load-${process.pid}.json`);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify([{ targets: [address], labels: { job: 'vaultover-load' } }])}\n`);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  const removeOnExit = () => rmSync(file, { force: true });
  process.once('exit', removeOnExit);
  return {
    file,
    async remove() {
      process.off('exit', removeOnExit);
      await rm(file, { force: true });
    },
  };
}
