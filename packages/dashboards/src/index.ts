// Grafana dashboards as code (issue 12): built with @grafana/grafana-foundation-sdk, written to
// infra/grafana/dashboards/ by generate.ts, and listed here with their Prometheus expressions so that
// tests can run every query against a real Prometheus.

export { CLIENT_VIEW_UID, clientView } from './client-view.ts';
export { PROMETHEUS, VAULTOVER_DATASOURCE } from './datasource.ts';
export { type DashboardExpression, dashboardExpressions } from './expressions.ts';
export { DASHBOARDS_DIR, REGENERATE } from './paths.ts';
export { RECORDED } from './recorded.ts';
export { REGION_HEALTH_UID, regionHealth } from './region-health.ts';
export { DASHBOARDS, renderDashboard, renderDashboards } from './render.ts';
