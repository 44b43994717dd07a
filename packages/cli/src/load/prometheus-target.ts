import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { prometheusFolder, removeTargets, writeTargets } from '@vaultover/observability';

/** A registered Prometheus target: its file_sd file, removed when the target goes. */
export interface PrometheusTarget {
  readonly file: string;
  remove(): Promise<void>;
}

/** The file_sd folder of a deployment's Prometheus (docs/load.md#metrics): `<dataDir>/prometheus/targets`. */
export function targetsDir(dataDir: string): string {
  return prometheusFolder(dataDir).targetsDir;
}

/**
 * Registers this `vaultover load` with the deployment's Prometheus: `load-<pid>.json` in its file_sd folder
 * (created if missing, written atomically), `[{"targets":["127.0.0.1:PORT"],"labels":{"job":"vaultover-load"}}]`.
 * `remove()` deletes it; a process that exits without it (a second Ctrl-C) deletes it on its way out.
 */
export async function registerLoadTarget(dataDir: string, address: string): Promise<PrometheusTarget> {
  const dir = targetsDir(dataDir);
  const name = `load-${process.pid}`;
  await writeTargets(dir, name, [{ targets: [address], labels: { job: 'vaultover-load' } }]);
  const file = join(dir, `${name}.json`);
  const removeOnExit = () => rmSync(file, { force: true });
  process.once('exit', removeOnExit);
  return {
    file,
    async remove() {
      process.off('exit', removeOnExit);
      await removeTargets(dir, name);
    },
  };
}
