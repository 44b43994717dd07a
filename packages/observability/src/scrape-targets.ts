import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from './prometheus-folder.ts';

/** The scrape jobs of infra/prometheus/prometheus.yml: each reads `targets/<job>*.json`. */
export type ScrapeJob =
  | 'vaultover-region'
  | 'vaultover-control'
  | 'vaultover-links'
  | 'vaultover-load'
  | 'redis';

/** One file_sd group: `host:port` addresses and the labels every series scraped from them gets. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * Writes `<targetsDir>/<name>.json` in Prometheus's file_sd format. Prometheus watches the folder, so a
 * restarted process on a new port is scraped again without a reload.
 */
export async function writeTargets(
  targetsDir: string,
  name: string,
  groups: readonly TargetGroup[],
): Promise<void> {
  await mkdir(targetsDir, { recursive: true });
  await writeAtomically(join(targetsDir, `${name}.json`), `${JSON.stringify(groups, null, 2)}\n`);
}

/** Removes `<targetsDir>/<name>.json`: its targets are gone (a load that ended). */
export async function removeTargets(targetsDir: string, name: string): Promise<void> {
  await rm(join(targetsDir, `${name}.json`), { force: true });
}

/** `https://localhost:8443/metrics` → `localhost:8443`, the address file_sd wants. */
export function targetAddress(url: string): string {
  const { hostname, port, protocol } = new URL(url);
  return `${hostname}:${port || (protocol === 'https:' ? '443' : '80')}`;
}
