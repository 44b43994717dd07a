// What watches a deployment: Prometheus run for the user on a config rendered from infra/prometheus, the
// targets it discovers from files, and one Redis exporter per Redis. Every program is tied to the life
// of the process that started it.
export {
  ConfigTemplateError,
  ObservabilityError,
  type ObservabilityErrorCode,
  ProgramNotInstalledError,
  ProgramStartError,
} from './errors.ts';
export {
  INFRA_PROMETHEUS_DIR,
  type PrometheusFolder,
  prometheusDuration,
  prometheusFolder,
  writePrometheusConfig,
} from './prometheus-folder.ts';
export { type PrometheusOptions, startPrometheus } from './prometheus-server.ts';
export { findRedisExporter, REDIS_EXPORTER, startRedisExporter } from './redis-exporter.ts';
export {
  removeTargets,
  type ScrapeJob,
  type TargetGroup,
  targetAddress,
  writeTargets,
} from './scrape-targets.ts';
export type { ServedProgram } from './served-program.ts';
