// The four kinds of panel the dashboards use, each built from one spec: every panel gets its title, a
// description (what it shows and which failure it reveals), a unit, the `$datasource`, its queries and
// its size, so that no dashboard file can forget one of them.
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  FieldColorBuilder,
  FieldColorModeId,
  type ThresholdsConfigBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as HeatmapBuilder, YAxisConfigBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import type { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelineBuilder } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeSeriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS } from './datasource.ts';
import { type StateCode, valueMappings } from './state-codes.ts';
import { type Colour, thresholds } from './thresholds.ts';

export interface PanelSpec {
  title: string;
  /** What the panel shows and which failure it reveals. */
  description: string;
  unit: string;
  targets: DataqueryBuilder[];
  /** Grid columns out of 24 (default 12). */
  width?: number;
  /** Grid rows (default 8). */
  height?: number;
  thresholds?: ThresholdsConfigBuilder;
  /** Repeat the panel for each value of this template variable. */
  repeat?: string;
  /** A fixed colour for the series whose legend name matches a regular expression. */
  colours?: Record<string, Colour>;
}

/** The builder methods every panel kind shares. */
interface AnyPanelBuilder {
  title(title: string): this;
  description(description: string): this;
  unit(unit: string): this;
  datasource(datasource: { type: string; uid: string }): this;
  withTarget(target: DataqueryBuilder): this;
  span(width: number): this;
  height(height: number): this;
  thresholds(thresholds: ThresholdsConfigBuilder): this;
  repeat(variable: string): this;
  repeatDirection(direction: 'h' | 'v'): this;
  maxPerRow(count: number): this;
  overrideByRegexp(regexp: string, properties: { id: string; value?: unknown }[]): this;
}

function withSpec<B extends AnyPanelBuilder>(builder: B, spec: PanelSpec): B {
  builder
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(PROMETHEUS)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .thresholds(spec.thresholds ?? thresholds('green'));
  for (const target of spec.targets) builder.withTarget(target);
  if (spec.repeat) builder.repeat(spec.repeat).repeatDirection('h').maxPerRow(2);
  for (const [pattern, colour] of Object.entries(spec.colours ?? {})) {
    builder.overrideByRegexp(pattern, [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }]);
  }
  return builder;
}

function legend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom)
    .calcs([]);
}

export interface TimeSeriesSpec extends PanelSpec {
  /** Stack the series (parts of one whole: status classes, outcomes). */
  stacked?: boolean;
  /** Draw the thresholds as dashed lines: where an alert would fire. */
  showThresholds?: boolean;
}

export function timeSeries(spec: TimeSeriesSpec): TimeSeriesBuilder {
  const builder = withSpec(new TimeSeriesBuilder(), spec)
    .min(0)
    .fillOpacity(spec.stacked ? 60 : 10)
    .showPoints(VisibilityMode.Never)
    .legend(legend())
    .stacking(new StackingConfigBuilder().mode(spec.stacked ? StackingMode.Normal : StackingMode.None));
  if (spec.showThresholds) {
    builder.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return builder;
}

export interface StatSpec extends PanelSpec {
  /** Show the series' legend name instead of its value (the serving region). */
  showName?: boolean;
  codes?: StateCode[];
  /** Text when the query returns nothing (a failover has not happened yet). */
  noValue?: string;
}

export function stat(spec: StatSpec): StatBuilder {
  const builder = withSpec(new StatBuilder(), { width: 4, height: 4, ...spec })
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(spec.codes ? BigValueColorMode.Background : BigValueColorMode.Value)
    .textMode(spec.showName ? BigValueTextMode.Name : BigValueTextMode.Auto)
    .decimals(spec.unit === 's' ? 1 : 0);
  if (spec.codes) builder.mappings(valueMappings(spec.codes));
  if (spec.noValue) builder.noValue(spec.noValue);
  return builder;
}

export interface StateTimelineSpec extends PanelSpec {
  codes: StateCode[];
}

/**
 * One lane per series, coloured by state: the codes of state-codes.ts mapped back to names and their
 * colours (the value mappings' colours win over the thresholds' base).
 */
export function stateTimeline(spec: StateTimelineSpec): StateTimelineBuilder {
  return withSpec(new StateTimelineBuilder(), { width: 24, height: 5, ...spec })
    .mappings(valueMappings(spec.codes))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .showValue(VisibilityMode.Auto)
    .mergeValues(true)
    .rowHeight(0.8)
    .fillOpacity(80)
    .legend(legend());
}

export function heatmap(spec: PanelSpec): HeatmapBuilder {
  return withSpec(new HeatmapBuilder(), spec)
    .calculate(false)
    .yAxis(new YAxisConfigBuilder().unit(spec.unit).decimals(0))
    .showValue(VisibilityMode.Never)
    .showLegend();
}
