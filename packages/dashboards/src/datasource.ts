import { DatasourceVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The data source infra/grafana/provisioning/datasources/vaultover.yml provisions. Dashboards never name
 * it directly: every query goes through the `$datasource` variable, whose default is this uid, so that
 * a user who imports a dashboard into another Grafana picks their own Prometheus.
 */
export const VAULTOVER_DATASOURCE = { uid: 'vaultover-prometheus', name: 'Vaultover Prometheus' } as const;

/** What every panel, variable and annotation queries. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' } as const;

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .description('The Prometheus that scrapes Vaultover (vaultover up --prometheus, or infra/compose.yaml).')
    .type('prometheus')
    .current({ text: VAULTOVER_DATASOURCE.name, value: VAULTOVER_DATASOURCE.uid });
}
