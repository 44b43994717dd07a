import { fileURLToPath } from 'node:url';

/** Where the generated dashboards are committed, and where Grafana's file provider reads them. */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../../../infra/grafana/dashboards/', import.meta.url));

/** The command that regenerates them, for messages. */
export const REGENERATE = 'scripts/dashboards';
