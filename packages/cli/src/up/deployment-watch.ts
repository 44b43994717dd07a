import { readdir } from 'node:fs/promises';
import { StopStack } from '@vaultover/foundation';
import {
  findRedisExporter,
  type PrometheusFolder,
  prometheusFolder,
  REDIS_EXPORTER,
  removeTargets,
  type ScrapeJob,
  type ServedProgram,
  startPrometheus,
  startRedisExporter,
  type TargetGroup,
  targetAddress,
  writePrometheusConfig,
  writeTargets,
} from '@vaultover/observability';
import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import type { Topology } from '../topology/topology.ts';
import { isProcessAlive } from './process-alive.ts';

/** What `vaultover up` runs and writes so that its deployment can be watched (docs/observability.md). */
export interface DeploymentWatch {
  /** The Prometheus it runs (`http://127.0.0.1:PORT`), or null when not asked for. */
  readonly prometheus: string | null;
  /** Stops Prometheus and the exporters and removes the target files. */
  stop(): Promise<void>;
}

/**
 * Writes `<dataDir>/prometheus/` (the config rendered from infra/prometheus, the rules, a target file per
 * scrape job) and keeps the targets current as processes restart; with `observability.prometheus`, also
 * runs a Redis exporter per Redis and Prometheus itself on that folder. Without it the folder is still
 * there for a Prometheus of the user's own (infra/compose.yaml).
 */
export async function watchDeployment(
  config: VaultoverConfig,
  topology: Topology,
  say: Say,
): Promise<DeploymentWatch> {
  const folder = prometheusFolder(config.dataDir);
  const stack = new StopStack();
  try {
    await writePrometheusConfig(folder, config.observability);
    await removeEndedLoads(folder);
    const exporters = config.observability.prometheus
      ? await startExporters(topology, stack, say)
      : new Map();
    const write = () => writeDeploymentTargets(folder, topology, exporters);
    await write();
    stack.push('target files', () => removeDeploymentTargets(folder));
    topology.onChange(write);
    if (!config.observability.prometheus) return { prometheus: null, stop: () => stopAll(stack) };
    const prometheus = await startPrometheus({ folder });
    stack.push('prometheus', () => prometheus.stop());
    return { prometheus: prometheus.url, stop: () => stopAll(stack) };
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
}

async function stopAll(stack: StopStack): Promise<void> {
  const [failure] = await stack.stopAll();
  if (failure) throw failure.error;
}

/** One exporter per Redis, named as the Redis is (a region, or `control`). */
async function startExporters(
  topology: Topology,
  stack: StopStack,
  say: Say,
): Promise<Map<string, ServedProgram>> {
  const exporters = new Map<string, ServedProgram>();
  const program = await findRedisExporter();
  if (program === null) {
    say(
      `${REDIS_EXPORTER} is not installed: the dashboards' Redis rows stay empty (apt-get install -y ${REDIS_EXPORTER})`,
    );
    return exporters;
  }
  for (const instance of topology.redis) {
    const { name } = instance;
    const exporter = await startRedisExporter(program, name, instance.urlAs('exporter'));
    stack.push(`redis exporter for ${name}`, () => exporter.stop());
    exporters.set(name, exporter);
  }
  return exporters;
}

/** The target files of the deployment's own processes; `vaultover load` writes its own (`load-<pid>`). */
const DEPLOYMENT_JOBS = [
  'vaultover-region',
  'vaultover-control',
  'vaultover-links',
  'redis',
] as const satisfies readonly ScrapeJob[];

async function writeDeploymentTargets(
  folder: PrometheusFolder,
  topology: Topology,
  exporters: ReadonlyMap<string, ServedProgram>,
): Promise<void> {
  const groups: Record<(typeof DEPLOYMENT_JOBS)[number], TargetGroup[]> = {
    'vaultover-region': topology.regions.map(({ name, url }) => ({
      targets: [targetAddress(url)],
      labels: { region: name },
    })),
    'vaultover-control': topology.control
      ? [{ targets: [targetAddress(topology.control.url)], labels: {} }]
      : [],
    'vaultover-links': [{ targets: [targetAddress(topology.links.api)], labels: {} }],
    redis: [...exporters].map(([name, exporter]) => ({
      targets: [targetAddress(exporter.url)],
      labels: { region: name },
    })),
  };
  await Promise.all(DEPLOYMENT_JOBS.map((job) => writeTargets(folder.targetsDir, job, groups[job])));
}

async function removeDeploymentTargets(folder: PrometheusFolder): Promise<void> {
  await Promise.all(DEPLOYMENT_JOBS.map((job) => removeTargets(folder.targetsDir, job)));
}

/** A `vaultover load` killed with SIGKILL could not remove its target file: Prometheus would scrape a dead port. */
async function removeEndedLoads(folder: PrometheusFolder): Promise<void> {
  const names = await readdir(folder.targetsDir).catch(() => [] as string[]);
  const ended = names
    .map((name) => /^load-(\d+)\.json$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null && !isProcessAlive(Number(match[1])));
  await Promise.all(ended.map((match) => removeTargets(folder.targetsDir, `load-${match[1]}`)));
}
