import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';

/** A range query with its legend; refIds are given in order when the dashboard is rendered. */
export function query(expr: string, legend: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).range();
}

/** An instant query, for stats and tables that show only the latest value. */
export function instantQuery(expr: string, legend: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).instant();
}

/** Histogram buckets for a heatmap panel: one row per `le`. */
export function heatmapQuery(expr: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat('{{le}}').format(PromQueryFormat.Heatmap).range();
}

/** `rate(<selector>[$__rate_interval])`: Grafana picks the window from the scrape interval and the step. */
export function rate(selector: string): string {
  return `rate(${selector}[$__rate_interval])`;
}

/** The q-quantile of a histogram's rate, kept apart by `by` (`le` is added). */
export function quantile(q: number, bucketSelector: string, by: string[]): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(bucketSelector)}))`;
}
