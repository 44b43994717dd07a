import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigTemplateError } from './errors.ts';

/** The repository's infra/prometheus: the config template and the rules, as committed. */
export const INFRA_PROMETHEUS_DIR = fileURLToPath(new URL('../../../infra/prometheus/', import.meta.url));

/**
 * The Prometheus folder of a deployment's data directory. Paths inside the config are relative to it, so
 * the same folder serves the Prometheus `vaultover up --prometheus` runs and one run in Docker
 * (infra/compose.yaml mounts the data directory).
 */
export interface PrometheusFolder {
  dir: string;
  configFile: string;
  /** File-based service discovery: one `<name>.json` per group of targets. */
  targetsDir: string;
  rulesDir: string;
  /** The time-series database. */
  storageDir: string;
}

export function prometheusFolder(dataDir: string): PrometheusFolder {
  const dir = join(dataDir, 'prometheus');
  return {
    dir,
    configFile: join(dir, 'prometheus.yml'),
    targetsDir: join(dir, 'targets'),
    rulesDir: join(dir, 'rules'),
    storageDir: join(dir, 'data'),
  };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the template's placeholder, in the shell-like form users read
const SCRAPE_INTERVAL = '${SCRAPE_INTERVAL}';

/**
 * Renders infra/prometheus/prometheus.yml into the folder with the scrape interval, and copies the rules
 * beside it (replacing those of an earlier run: the committed ones are the truth).
 */
export async function writePrometheusConfig(
  folder: PrometheusFolder,
  settings: { scrapeIntervalMs: number },
  infraDir: string = INFRA_PROMETHEUS_DIR,
): Promise<void> {
  const template = await readFile(join(infraDir, 'prometheus.yml'), 'utf8');
  if (!template.includes(SCRAPE_INTERVAL)) {
    throw new ConfigTemplateError(
      `${join(infraDir, 'prometheus.yml')} has no ${SCRAPE_INTERVAL} placeholder`,
    );
  }
  await mkdir(folder.targetsDir, { recursive: true });
  await rm(folder.rulesDir, { recursive: true, force: true });
  await mkdir(folder.rulesDir, { recursive: true });
  const rules = (await readdir(join(infraDir, 'rules'), { withFileTypes: true })).filter(
    (entry) => entry.isFile() && /\.ya?ml$/.test(entry.name),
  );
  await Promise.all(
    rules.map(({ name }) => copyFile(join(infraDir, 'rules', name), join(folder.rulesDir, name))),
  );
  const config = template.replaceAll(SCRAPE_INTERVAL, prometheusDuration(settings.scrapeIntervalMs));
  await writeAtomically(folder.configFile, config);
}

/** `2000` → `2s`, `1500` → `1500ms`: Prometheus's duration syntax. */
export function prometheusDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Readers (Prometheus watching a target file) see the old content or the whole new one. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}
