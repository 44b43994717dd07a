// "Vaultover — client view": what the clients of `vaultover load` (and of scenario runs) saw, on the
// same time axis as the failover state, so that a retry policy's behaviour lines up with the window.
import { type DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { failoverStateTimeline, servingRegionTimeline } from './failover-context.ts';
import { heatmap, stat, timeSeries } from './panels.ts';
import { heatmapQuery, instantQuery, quantile, query, rate } from './queries.ts';
import { RECORDED } from './recorded.ts';
import { thresholds } from './thresholds.ts';
import { UNITS } from './units.ts';
import { labelVariable } from './variables.ts';
import { vaultoverDashboard } from './vaultover-dashboard.ts';

export const CLIENT_VIEW_UID = 'vaultover-client-view';

const CLIENT = 'client=~"$client"';

const OUTCOME_COLOURS = { ok$: 'green', 'ok-retried': 'yellow', 'gave-up': 'orange', failed: 'red' } as const;

export function clientView(): DashboardBuilder {
  return vaultoverDashboard(
    'Vaultover — client view',
    CLIENT_VIEW_UID,
    'What the clients of vaultover load and of scenario runs saw — calls, retries, latency, failures — beside the failover state.',
  )
    .withVariable(
      labelVariable(
        'client',
        'client',
        'vaultover_client_info',
        'The load clients, by the client name of their load spec (each with its retry policy).',
      ),
    )
    .withRow(new RowBuilder('Failover'))
    .withPanel(failoverStateTimeline(12))
    .withPanel(servingRegionTimeline(12))
    .withRow(new RowBuilder('Calls'))
    .withPanel(
      stat({
        title: 'Clients and retry policies',
        description:
          'The running load clients and the retry policy each uses (vaultover_client_info). Compare clients with different policies over the same failover window.',
        unit: UNITS.none,
        width: 24,
        height: 3,
        showName: true,
        thresholds: thresholds('blue'),
        targets: [
          instantQuery(
            `max by (client, policy) (vaultover_client_info{${CLIENT}})`,
            '{{client}}: {{policy}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Calls per second by outcome',
        description:
          'Calls each client completed per second, by outcome (vaultover_client_calls_total): ok at the first attempt, ok-retried after a retry, gave-up (a transient failure the policy did not ride out), failed (any other failure). A good policy turns the failover window into ok-retried, not gave-up.',
        unit: UNITS.perSecond,
        stacked: true,
        colours: OUTCOME_COLOURS,
        targets: [
          query(
            `sum by (client, outcome) (${rate(`vaultover_client_calls_total{${CLIENT}}`)})`,
            '{{client}} {{outcome}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Failed share of calls',
        description:
          "Share of each client's calls that gave up or failed. Its width is the outage the client saw; compared with the failover state it shows whether retries cover the window (the share stays near 0) or not.",
        unit: UNITS.ratio,
        showThresholds: true,
        thresholds: thresholds('green', [0.01, 'orange'], [0.1, 'red']),
        targets: [
          query(
            `sum by (client) (${rate(`vaultover_client_calls_total{outcome=~"gave-up|failed", ${CLIENT}}`)}) / sum by (client) (${rate(`vaultover_client_calls_total{${CLIENT}}`)})`,
            '{{client}}',
          ),
        ],
      }),
    )
    .withPanel(
      heatmap({
        title: 'Attempts per call',
        description:
          "How many requests each call took, as a heatmap of vaultover_client_call_attempts over time (all selected clients). Calls climbing to 3–6 attempts during the failover window are the retry policy riding it out; a band at the policy's maximum means calls ran out of retries.",
        unit: UNITS.count,
        targets: [
          heatmapQuery(
            `sum by (le) (increase(vaultover_client_call_attempts_bucket{${CLIENT}}[$__rate_interval]))`,
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Attempts per call p50 and p99',
        description:
          'The median and 99th percentile of requests sent per call, by client (vaultover_client_call_attempts). The p99 rises first when a failover starts; a policy with a low retry cap shows it flat at the cap.',
        unit: UNITS.count,
        targets: [
          query(
            quantile(0.5, `vaultover_client_call_attempts_bucket{${CLIENT}}`, ['client']),
            '{{client}} p50',
          ),
          query(
            quantile(0.99, `vaultover_client_call_attempts_bucket{${CLIENT}}`, ['client']),
            '{{client}} p99',
          ),
        ],
      }),
    )
    .withRow(new RowBuilder('Latency and failures'))
    .withPanel(
      timeSeries({
        title: 'Call latency p99 by outcome',
        description:
          'The 99th percentile of call duration, retries included, by client and outcome (vaultover_client_call_duration_seconds). The ok line rising during a failover is the time the policy spent retrying; failed calls that take long are timeouts.',
        unit: UNITS.seconds,
        targets: [
          query(
            quantile(0.99, `vaultover_client_call_duration_seconds_bucket{${CLIENT}}`, ['client', 'outcome']),
            '{{client}} {{outcome}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Failures by code',
        description:
          "Failed calls per second by the error code the client saw (vaultover_client_call_failures_total): the service's codes, HTTP statuses, connection errors. During a failover expect the regions' 503 refusals and reset connections; anything else is a real failure.",
        unit: UNITS.perSecond,
        stacked: true,
        targets: [
          query(
            `sum by (client, code) (${rate(`vaultover_client_call_failures_total{${CLIENT}}`)})`,
            '{{client}} {{code}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Calls in flight',
        description:
          "Calls each client has started and not finished (vaultover_client_in_flight). A closed-loop client's stays at its concurrency; an open-loop client's climbs while calls wait out a failover window (a hang window holds them).",
        unit: UNITS.count,
        targets: [query(`sum by (client) (vaultover_client_in_flight{${CLIENT}})`, '{{client}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'What the regions answered',
        description:
          "The regions' side of the same calls: requests answered per second by region and status class (recorded by region_status_class:vaultover_requests:rate20s). Client failures with no 5xx here happened before a region: at the global endpoint or in the network.",
        unit: UNITS.requestsPerSecond,
        stacked: true,
        targets: [
          query(`sum by (region, status_class) (${RECORDED.requestRate})`, '{{region}} {{status_class}}'),
        ],
      }),
    );
}
