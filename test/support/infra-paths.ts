import { fileURLToPath } from 'node:url';

/** The repository's infra/ folder, and the paths the infra tests read. */
export const INFRA = fileURLToPath(new URL('../../infra/', import.meta.url));
export const RULES_DIR = fileURLToPath(new URL('../../infra/prometheus/rules/', import.meta.url));
export const CONFIG_TEMPLATE = fileURLToPath(
  new URL('../../infra/prometheus/prometheus.yml', import.meta.url),
);
export const COMPOSE_FILE = fileURLToPath(new URL('../../infra/compose.yaml', import.meta.url));
export const PROVISIONING = fileURLToPath(new URL('../../infra/grafana/provisioning/', import.meta.url));
