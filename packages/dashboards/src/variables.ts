import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS } from './datasource.ts';

/** A multi-value variable over a label's values, "All" by default, refreshed as the time range moves. */
export function labelVariable(name: string, label: string, metric: string, description: string) {
  const query = `label_values(${metric}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(name[0]?.toUpperCase() + name.slice(1))
    .description(description)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ text: ['All'], value: ['$__all'] });
}
