// "Vaultover — region health": what the regions, the control process, the replication links and the
// Redis servers say about themselves, around the failover state. docs/observability.md explains each
// panel; the panel descriptions say the same in a sentence or two.
import { type DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { failoverStateStat, failoverStateTimeline, servingRegionTimeline } from './failover-context.ts';
import { stat, stateTimeline, timeSeries } from './panels.ts';
import { instantQuery, quantile, query, rate } from './queries.ts';
import { RECORDED } from './recorded.ts';
import { BINARY, REGION_MODES, stateCodeExpr, UNREACHABLE } from './state-codes.ts';
import { LIMITS, thresholds } from './thresholds.ts';
import { UNITS } from './units.ts';
import { labelVariable } from './variables.ts';
import { vaultoverDashboard } from './vaultover-dashboard.ts';

export const REGION_HEALTH_UID = 'vaultover-region-health';

const REGION = 'region=~"$region"';
const REDIS = 'region=~"$redis"';

/** The region's mode as a code, or "unreachable" while the health monitor judges it down and it reports nothing. */
const MODE_EXPR = stateCodeExpr('vaultover_region_mode', 'mode', REGION_MODES, {
  by: ['region'],
  filter: REGION,
  more: [`(vaultover_region_up{${REGION}} == 0) * ${UNREACHABLE.code}`],
});

const STATUS_COLOURS = { '2xx': 'green', '4xx': 'orange', '5xx': 'red' } as const;

export function regionHealth(): DashboardBuilder {
  return vaultoverDashboard(
    'Vaultover — region health',
    REGION_HEALTH_UID,
    'Region health of a Vaultover deployment: failover state, modes, replication, requests, health probes, the global endpoint, link proxies and Redis.',
  )
    .withVariable(
      labelVariable(
        'region',
        'region',
        'vaultover_region_mode',
        'The region nodes (the primary and its secondary), from their vaultover_region_mode series.',
      ),
    )
    .withVariable(
      labelVariable(
        'redis',
        'region',
        'redis_up',
        'The Redis servers watched by prometheus-redis-exporter: one per region, and the control Redis (control).',
      ),
    )
    .withRow(new RowBuilder('Now'))
    .withPanel(
      stat({
        title: 'Serving region',
        description:
          'The region the global endpoint sends clients to now. It changes when a failover completes and again after failback; "none" means no region is serving (clients get 503 from the global endpoint).',
        unit: UNITS.none,
        showName: true,
        noValue: 'none',
        targets: [instantQuery('max by (region) (vaultover_serving_region) == 1', '{{region}}')],
      }),
    )
    .withPanel(failoverStateStat())
    .withPanel(
      stat({
        title: 'Failover epoch',
        description:
          'The epoch of the failover state, bumped by every transition. Regions fence writes against it: a region still writing under an older epoch is what the write fence refuses.',
        unit: UNITS.none,
        width: 3,
        thresholds: thresholds('blue'),
        targets: [instantQuery('max(vaultover_failover_epoch)', 'epoch')],
      }),
    )
    .withPanel(
      stat({
        title: 'Last RTO',
        description:
          'Recovery time of the last completed failover (vaultover_failover_last_rto_seconds): how long clients had no writable region. Orange above 30 s, red above 60 s: a failover slower than the health thresholds and the write lease explain.',
        unit: UNITS.seconds,
        width: 3,
        noValue: 'no failover yet',
        thresholds: thresholds('green', [LIMITS.rtoSecondsWarning, 'orange'], [LIMITS.rtoSeconds, 'red']),
        targets: [instantQuery('max(vaultover_failover_last_rto_seconds)', 'RTO')],
      }),
    )
    .withPanel(
      stat({
        title: 'Last RPO (time)',
        description:
          'How much commit time the changes the last failover left behind span (vaultover_failover_rpo_seconds). Above 0 means acknowledged writes were lost: an async secondary was behind when the primary went away.',
        unit: UNITS.seconds,
        width: 3,
        thresholds: thresholds('green', [0.001, 'red']),
        targets: [instantQuery('max(vaultover_failover_rpo_seconds)', 'RPO')],
      }),
    )
    .withPanel(
      stat({
        title: 'Last RPO (changes)',
        description:
          'Acknowledged changes the last failover left behind (vaultover_failover_rpo_changes); 0 in sync mode. Above 0 is data loss a client saw acknowledged.',
        unit: UNITS.count,
        width: 3,
        thresholds: thresholds('green', [1, 'red']),
        targets: [instantQuery('max(vaultover_failover_rpo_changes)', 'changes')],
      }),
    )
    .withPanel(
      stat({
        title: 'Regions up',
        description:
          "Each region as the control process's health monitor judges it (vaultover_region_up). A region turns down only after its probes failed past the threshold; that is what starts an automatic failover.",
        unit: UNITS.none,
        codes: BINARY.up,
        targets: [instantQuery(`max by (region) (vaultover_region_up{${REGION}})`, '{{region}}')],
      }),
    )
    .withRow(new RowBuilder('Modes and failover'))
    .withPanel(
      stateTimeline({
        title: 'Region mode',
        description:
          'Each region\'s mode over time (read-write, read-only, standby, offline), and "unreachable" while the health monitor judges it down and it reports nothing (crashed). Two regions in read-write at once would be split brain; a secondary that stays standby after failing-over means the failover never reached it.',
        unit: UNITS.none,
        codes: [UNREACHABLE, ...REGION_MODES],
        targets: [query(MODE_EXPR, '{{region}}')],
      }),
    )
    .withPanel(failoverStateTimeline())
    .withPanel(servingRegionTimeline())
    .withPanel(
      stateTimeline({
        title: 'Write lease held',
        description:
          'Whether each region holds an unexpired write lease in the control Redis (vaultover_write_lease_held): the primary in normal, nobody while failing over. A read-write region without a lease, or no lease at all in normal, means writes are refused (see the WriteLeaseLost alert).',
        unit: UNITS.none,
        height: 4,
        codes: BINARY.held,
        targets: [query(`max by (region) (vaultover_write_lease_held{${REGION}})`, '{{region}}')],
      }),
    )
    .withRow(new RowBuilder('Replication'))
    .withPanel(
      timeSeries({
        title: 'Replication lag (time)',
        description:
          "Commit-time distance between the newest primary change a secondary has read and the last one it applied (vaultover_replication_lag_seconds). It grows while the link is slow or down, and is what an async failover loses; red above the ReplicationLagHigh alert's 30 s.",
        unit: UNITS.seconds,
        width: 8,
        showThresholds: true,
        thresholds: thresholds(
          'green',
          [LIMITS.replicationLagSecondsWarning, 'orange'],
          [LIMITS.replicationLagSeconds, 'red'],
        ),
        targets: [query(`max by (region) (vaultover_replication_lag_seconds{${REGION}})`, '{{region}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Replication lag (entries)',
        description:
          'Changes committed on the primary and not yet applied on the secondary, as far as it has read (vaultover_replication_lag_entries). Entries waiting while the applied rate is 0 is a stalled replicator.',
        unit: UNITS.count,
        width: 8,
        showThresholds: true,
        thresholds: thresholds(
          'green',
          [LIMITS.replicationLagEntriesWarning, 'orange'],
          [LIMITS.replicationLagEntries, 'red'],
        ),
        targets: [query(`max by (region) (vaultover_replication_lag_entries{${REGION}})`, '{{region}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Applied changes per second',
        description:
          "Change entries each secondary applies from the primary's streams, per second (vaultover_replication_applied_total). It follows the write rate; 0 while writes go on and the lag grows means replication is stalled or its link is down.",
        unit: UNITS.perSecond,
        width: 8,
        targets: [
          query(`sum by (region) (${rate(`vaultover_replication_applied_total{${REGION}}`)})`, '{{region}}'),
        ],
      }),
    )
    .withPanel(
      stateTimeline({
        title: 'Replication link',
        description:
          "Whether each secondary's link to the primary's Redis is up (vaultover_replication_link_up). Down while the link proxy is disabled, blackholed or the primary's Redis is stopped: the lag grows from then on. The primary has no link of its own and reads down.",
        unit: UNITS.none,
        width: 8,
        height: 8,
        codes: BINARY.up,
        targets: [query(`max by (region) (vaultover_replication_link_up{${REGION}})`, '{{region}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Apply lag p99',
        description:
          "The 99th percentile of each applied batch's lag: apply time minus the primary's commit time of its last entry (vaultover_replication_apply_lag_seconds). A rising floor under steady writes means the secondary cannot keep up.",
        unit: UNITS.seconds,
        width: 8,
        targets: [
          query(
            quantile(0.99, `vaultover_replication_apply_lag_seconds_bucket{${REGION}}`, ['region']),
            '{{region}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Resyncs and sync timeouts',
        description:
          "Full resyncs of a vault from a snapshot (the stream was trimmed past a secondary's checkpoint: it was behind for too long), and sync-mode writes no secondary acknowledged in time (answered 503), per second.",
        unit: UNITS.perSecond,
        width: 8,
        targets: [
          query(
            `sum by (region) (${rate(`vaultover_replication_resyncs_total{${REGION}}`)})`,
            '{{region}} resyncs',
          ),
          query(
            `sum by (region) (${rate(`vaultover_replication_sync_timeouts_total{${REGION}}`)})`,
            '{{region}} sync timeouts',
          ),
        ],
      }),
    )
    .withRow(new RowBuilder('Requests (rate, errors, duration)'))
    .withPanel(
      timeSeries({
        title: 'Requests per second in $region',
        description:
          "Vault API requests each region answered, by status class (recorded by region_status_class:vaultover_requests:rate20s). 5xx during a failover window is the read-only and standby refusals; 4xx includes throttling's 429. Repeated for each selected region.",
        unit: UNITS.requestsPerSecond,
        width: 24,
        repeat: 'region',
        stacked: true,
        colours: STATUS_COLOURS,
        targets: [query(`sum by (status_class) (${RECORDED.requestRate}{${REGION}})`, '{{status_class}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Latency p50 and p99 by region',
        description:
          'Median and 99th-percentile time to answer a vault API request, by region (recorded over 20 s). A p99 that jumps while p50 stays is a few slow requests: throttling, a slow Redis, or sync replication waiting for its acknowledgement.',
        unit: UNITS.seconds,
        targets: [
          query(`${RECORDED.latencyP50}{${REGION}}`, '{{region}} p50'),
          query(`${RECORDED.latencyP99}{${REGION}}`, '{{region}} p99'),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Server error ratio by region',
        description:
          'Share of requests each region answered with a 5xx. Red above 5 %: a region refusing writes (read-only, standby, write fence), a fault rule answering 5xx, or its Redis failing.',
        unit: UNITS.ratio,
        showThresholds: true,
        thresholds: thresholds('green', [LIMITS.errorRatio, 'red']),
        targets: [
          // `or … * 0`: a region that answered no 5xx shows 0, not nothing.
          query(
            `(sum by (region) (${RECORDED.requestRate}{status_class="5xx", ${REGION}}) or sum by (region) (${RECORDED.requestRate}{${REGION}}) * 0) / sum by (region) (${RECORDED.requestRate}{${REGION}})`,
            '{{region}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Read-only rejections by operation',
        description:
          'Requests refused with 503 because the region is read-only and the operation is not in its allowlist, by operation (vaultover_readonly_rejections_total). Expected on the secondary while failed over; on a primary in normal it means the region is stuck read-only.',
        unit: UNITS.requestsPerSecond,
        stacked: true,
        targets: [
          query(
            `sum by (region, operation) (${rate(`vaultover_readonly_rejections_total{${REGION}}`)})`,
            '{{region}} {{operation}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Throttled requests by class',
        description:
          "Requests refused with 429 because their vault's budget for the window was spent, by throttling class (vaultover_throttled_requests_total). Clients that do not back off on 429 keep this high.",
        unit: UNITS.requestsPerSecond,
        stacked: true,
        targets: [
          query(
            `sum by (region, class) (${rate(`vaultover_throttled_requests_total{${REGION}}`)})`,
            '{{region}} {{class}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Injected faults by rule',
        description:
          'Requests a fault rule acted on, by rule id and action (vaultover_faults_injected_total), and requests a rule matched that went on unfaulted because the control Redis did not answer (vaultover_faults_unevaluated_total). Errors clients saw that line up with a rule are the experiment, not a bug.',
        unit: UNITS.requestsPerSecond,
        targets: [
          query(
            `sum by (fault, action) (${rate(`vaultover_faults_injected_total{${REGION}}`)})`,
            '{{fault}} {{action}}',
          ),
          query(
            `sum by (region) (${rate(`vaultover_faults_unevaluated_total{${REGION}}`)})`,
            '{{region}} unevaluated',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Redis errors by region',
        description:
          "Errors each region node met talking to its own Redis (vaultover_redis_errors_total). Non-zero while a region's Redis is stopped or unreachable: the region answers 503 and its health probe fails.",
        unit: UNITS.perSecond,
        targets: [
          query(`sum by (region) (${rate(`vaultover_redis_errors_total{${REGION}}`)})`, '{{region}}'),
        ],
      }),
    )
    .withRow(new RowBuilder('Health monitor and global endpoint'))
    .withPanel(
      timeSeries({
        title: 'Health probes by result',
        description:
          "The control process's probes of each region's /health per second, by result (vaultover_health_checks_total). Failures before the region is judged down are the flapping guard at work; failures on both regions mean the control process cannot reach them.",
        unit: UNITS.perSecond,
        stacked: true,
        colours: { '.* ok': 'green', '.* fail': 'red' },
        targets: [
          query(
            `sum by (region, result) (${rate(`vaultover_health_checks_total{${REGION}}`)})`,
            '{{region}} {{result}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Gateway connections by region and outcome',
        description:
          "Client connections at the global endpoint per second, by the region they went to (none: not relayed) and their fate (vaultover_gateway_connections_total). failed-window, reset and hang are the failover window's answers; upstream-error means the serving region did not answer.",
        unit: UNITS.connectionsPerSecond,
        stacked: true,
        targets: [
          query(
            `sum by (region, outcome) (${rate('vaultover_gateway_connections_total')})`,
            '{{region}} {{outcome}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Connections closed on change, and held',
        description:
          'Relayed connections the global endpoint closed because the route moved to another epoch, per rate interval (a burst at each failover and failback: keep-alive clients reconnect), and connections a hang window holds right now. Held connections that never drop mean clients wait on a dead route.',
        unit: UNITS.count,
        targets: [
          query(
            'sum(increase(vaultover_gateway_connections_closed_on_change_total[$__rate_interval]))',
            'closed on epoch change',
          ),
          query('sum(vaultover_gateway_held_connections)', 'held by a hang window'),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Gateway routing time p99',
        description:
          'The 99th percentile of the time from a connection reaching the global endpoint to its fate, by outcome (vaultover_gateway_routing_duration_seconds). Slow "forwarded" means the serving region is slow to send its first byte.',
        unit: UNITS.seconds,
        targets: [
          query(
            quantile(0.99, 'vaultover_gateway_routing_duration_seconds_bucket', ['outcome']),
            '{{outcome}}',
          ),
        ],
      }),
    )
    .withRow(new RowBuilder('Replication link proxies'))
    .withPanel(
      stateTimeline({
        title: 'Link proxies enabled',
        description:
          "Whether each replication link proxy passes traffic (vaultover_link_enabled). A disabled link is a partition between the regions: the secondary's replication link goes down and its lag grows.",
        unit: UNITS.none,
        width: 8,
        height: 8,
        codes: BINARY.enabled,
        targets: [query('max by (link) (vaultover_link_enabled)', '{{link}}')],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Link toxics and connections',
        description:
          'Toxics active on each link proxy (latency, bandwidth, blackhole, …: vaultover_link_toxics), and its open connections (vaultover_link_active_connections). A toxic explains lag that the regions themselves do not.',
        unit: UNITS.count,
        width: 8,
        targets: [
          query('max by (link) (vaultover_link_toxics)', '{{link}} toxics'),
          query('max by (link) (vaultover_link_active_connections)', '{{link}} connections'),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Link bytes per second',
        description:
          "Bytes each link proxy carried, by direction (vaultover_link_bytes_total; upstream: towards the primary's Redis). Flat at 0 while writes go on means the replication link carries nothing: a blackhole or a disabled link.",
        unit: UNITS.bytesPerSecond,
        width: 8,
        targets: [
          query(`sum by (link, direction) (${rate('vaultover_link_bytes_total')})`, '{{link}} {{direction}}'),
          query(`sum by (link) (${rate('vaultover_link_connections_total')})`, '{{link}} new connections/s'),
        ],
      }),
    )
    .withRow(
      new RowBuilder('Redis (prometheus-redis-exporter)')
        .collapsed(true)
        .withPanel(
          stateTimeline({
            title: 'Redis up',
            description:
              "Whether each Redis answers its exporter (redis_up): every region's Redis and the control Redis. A region Redis down makes that region fail its probes; the control Redis down stops leases, modes and fault rules.",
            unit: UNITS.none,
            height: 5,
            codes: BINARY.up,
            targets: [query(`max by (region) (redis_up{${REDIS}})`, '{{region}}')],
          }),
        )
        .withPanel(
          timeSeries({
            title: 'Redis memory used',
            description:
              "Memory each Redis uses (redis_memory_used_bytes). Steady growth on the primary is the change streams not being trimmed, e.g. because a secondary's checkpoint is far behind.",
            unit: UNITS.bytes,
            width: 6,
            targets: [query(`max by (region) (redis_memory_used_bytes{${REDIS}})`, '{{region}}')],
          }),
        )
        .withPanel(
          timeSeries({
            title: 'Redis commands per second',
            description:
              "Commands each Redis processed per second (redis_commands_processed_total). The secondary's follows the applied rate; the control Redis's the lease renewals, probes and fault-rule lookups.",
            unit: UNITS.perSecond,
            width: 6,
            targets: [
              query(`sum by (region) (${rate(`redis_commands_processed_total{${REDIS}}`)})`, '{{region}}'),
            ],
          }),
        )
        .withPanel(
          timeSeries({
            title: 'Redis connected clients',
            description:
              'Client connections each Redis holds (redis_connected_clients). A climb that never comes back down is a connection leak; a drop to the exporter alone means the region node lost its Redis.',
            unit: UNITS.count,
            width: 6,
            targets: [query(`max by (region) (redis_connected_clients{${REDIS}})`, '{{region}}')],
          }),
        )
        .withPanel(
          timeSeries({
            title: 'Redis replication offset',
            description:
              "Each Redis's own replication offset (redis_master_repl_offset), in bytes of its replication stream. Vaultover replicates through change streams, not Redis replication, so this moves only when a Redis has replicas of its own; a restarted Redis starts again from its AOF.",
            unit: UNITS.bytes,
            width: 6,
            targets: [query(`max by (region) (redis_master_repl_offset{${REDIS}})`, '{{region}}')],
          }),
        ),
    );
}
