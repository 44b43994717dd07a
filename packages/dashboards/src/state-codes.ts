import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Colour } from './thresholds.ts';

/**
 * State-timeline panels show numbers: a metric with one 0/1 series per state (vaultover_region_mode,
 * vaultover_failover_state) becomes one series whose value is the current state's code, and value
 * mappings turn the code back into the state's name and colour.
 */
export interface StateCode {
  state: string;
  code: number;
  colour: Colour;
}

export const REGION_MODES: StateCode[] = [
  { state: 'read-write', code: 1, colour: 'green' },
  { state: 'read-only', code: 2, colour: 'yellow' },
  { state: 'standby', code: 3, colour: 'blue' },
  { state: 'offline', code: 4, colour: 'purple' },
];

/** Shown when the control process judges a region down and the region reports no mode (crashed). */
export const UNREACHABLE: StateCode = { state: 'unreachable', code: 0, colour: 'red' };

export const FAILOVER_STATES: StateCode[] = [
  { state: 'normal', code: 1, colour: 'green' },
  { state: 'failing-over', code: 2, colour: 'orange' },
  { state: 'failed-over', code: 3, colour: 'red' },
  { state: 'failing-back', code: 4, colour: 'blue' },
];

/** A 0/1 gauge: 1 is good (green), 0 is `off`, red when it is a failure, plain text when it is not. */
function binary(off: string, on: string, offColour: Colour): StateCode[] {
  return [
    { state: off, code: 0, colour: offColour },
    { state: on, code: 1, colour: 'green' },
  ];
}

export const BINARY = {
  up: binary('down', 'up', 'red'),
  held: binary('not held', 'held', 'text'),
  serving: binary('not serving', 'serving', 'text'),
  enabled: binary('disabled', 'enabled', 'red'),
};

/**
 * `max by (<by>) (metric{state="a"} * 1 or metric{state="b"} * 2 …)`: only the current state's series is 1,
 * so the maximum is its code. `max`, not `sum`, so that two series of the same state (a restarted
 * process seen twice within the staleness window) do not add up to another state's code. `more` are
 * further terms of the `or`, for a code the metric itself cannot report (a crashed region's).
 */
export function stateCodeExpr(
  metric: string,
  label: string,
  codes: StateCode[],
  options: { by?: string[]; filter?: string; more?: string[] } = {},
): string {
  const { by = [], filter, more = [] } = options;
  const terms = codes.map(
    ({ state, code }) => `${metric}{${[`${label}="${state}"`, filter].filter(Boolean).join(', ')}} * ${code}`,
  );
  return `max${by.length ? ` by (${by.join(', ')})` : ''} (${[...terms, ...more].join(' or ')})`;
}

export function valueMappings(codes: StateCode[]): ValueMapping[] {
  return [
    {
      type: MappingType.ValueToText,
      options: Object.fromEntries(
        codes.map(({ state, code, colour }, index) => [String(code), { text: state, color: colour, index }]),
      ),
    },
  ];
}
