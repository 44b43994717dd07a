import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { datasourceVariable } from './datasource.ts';
import { regionDownAnnotation, transitionAnnotation } from './failover-context.ts';

/**
 * What every Vaultover dashboard shares: a 5 s refresh over the last 15 minutes (a failover takes
 * seconds), a crosshair shared by all panels (to line a client's failures up with the state), the
 * `$datasource` variable first, and the failover and region-down annotations.
 */
export function vaultoverDashboard(title: string, uid: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['vaultover'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser')
    .withVariable(datasourceVariable())
    .annotation(transitionAnnotation())
    .annotation(regionDownAnnotation());
}
