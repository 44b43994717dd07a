// What both dashboards show of the failover itself, built once so that they line up: the state
// timeline, the serving region, and the annotations at every transition.
import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS } from './datasource.ts';
import { stat, stateTimeline } from './panels.ts';
import { query } from './queries.ts';
import { BINARY, FAILOVER_STATES, stateCodeExpr } from './state-codes.ts';
import { UNITS } from './units.ts';

export const FAILOVER_STATE_EXPR = stateCodeExpr('vaultover_failover_state', 'state', FAILOVER_STATES);

export function failoverStateTimeline(width = 24) {
  return stateTimeline({
    title: 'Failover state',
    description:
      "The control process's failover state machine over time (normal → failing-over → failed-over → failing-back → normal). A lane stuck in failing-over or failing-back means a transition that does not finish (a region that does not answer its admin calls, a write lease that never expires); gaps mean the control process was not scraped (restarting, or down).",
    unit: UNITS.none,
    width,
    height: 4,
    codes: FAILOVER_STATES,
    targets: [query(FAILOVER_STATE_EXPR, 'failover state')],
  });
}

export function servingRegionTimeline(width = 24) {
  return stateTimeline({
    title: 'Serving region',
    description:
      'Which region the global endpoint sends clients to (vaultover_serving_region). It must move to the secondary when the state reaches failed-over and back after failing-back; no lane serving at all means clients get 503 from the global endpoint.',
    unit: UNITS.none,
    width,
    height: 4,
    codes: BINARY.serving,
    targets: [query('max by (region) (vaultover_serving_region)', '{{region}}')],
  });
}

export function failoverStateStat() {
  return stat({
    title: 'Failover state',
    description:
      'The failover state machine now. Anything but normal means the deployment is failing over, serving from the secondary, or failing back.',
    unit: UNITS.none,
    codes: FAILOVER_STATES,
    targets: [query(FAILOVER_STATE_EXPR, 'failover state')],
  });
}

/**
 * An annotation while the epoch has just changed, named after the state the machine is in: every
 * transition bumps the epoch. `changes()` over the rate interval keeps a transition visible at any zoom.
 */
export function transitionAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Failover transitions')
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor('orange')
    .expr(
      'max by (state) (vaultover_failover_state == 1) and on () (changes(vaultover_failover_epoch[$__rate_interval]) > 0)',
    )
    .titleFormat('Failover: {{state}}')
    .textFormat('The failover epoch changed: the state machine moved to {{state}}.')
    .step('$__interval');
}

/** An annotation while the health monitor judges a region down. */
export function regionDownAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Region down')
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor('red')
    .expr('max by (region) (vaultover_region_up == 0)')
    .titleFormat('{{region}} down')
    .textFormat('The health monitor judges {{region}} down (its probes failed past the threshold).')
    .step('$__interval');
}
