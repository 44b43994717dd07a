import type { Clock } from '@vaultover/foundation';
import type { Logger } from 'pino';
import type { StatusReporter } from '../api/status-report.ts';
import type { EventLog } from '../events/event-log.ts';
import type { FaultRules } from '../faults/fault-rules.ts';
import type { HealthMonitor } from '../monitor/health-monitor.ts';
import { BrowserSessions } from './browser-sessions.ts';
import { EventStreams } from './event-streams.ts';
import { LoginTokens } from './login-tokens.ts';
import { RegionFigures } from './region-figures.ts';
import { httpsRequestTotals } from './region-request-totals.ts';
import { StatusFeed } from './status-feed.ts';
import type { BrowserAccess } from './status-page-api.ts';

export interface StatusPageOptions {
  regions: readonly { name: string; url: string }[];
  status: StatusReporter;
  faults: FaultRules;
  monitor: HealthMonitor;
  events: EventLog;
  /** The deployment's CA, to read the regions' /metrics. */
  ca: string | Buffer;
  clock: Clock;
  logger: Logger;
}

/** The status page's parts (docs/status-page.md), for the control API; `close` ends every event stream. */
export function createStatusPage(options: StatusPageOptions): BrowserAccess & { close(): void } {
  const { regions, status, faults, monitor, events, clock, logger } = options;
  const figures = new RegionFigures(regions, httpsRequestTotals(options.ca), clock);
  const feed = new StatusFeed({
    events,
    clock,
    logger,
    read: async () => {
      const [report, rules] = await Promise.all([status.report(), faults.list()]);
      const regionEpochs = Object.fromEntries(
        regions.map(({ name }) => [name, monitor.view(name)?.lastGood?.epoch ?? null]),
      );
      const snapshot = {
        at: new Date(clock.now()).toISOString(),
        status: report,
        faults: rules,
        regionEpochs,
      };
      return { snapshot, figures: await figures.sample(report) };
    },
  });
  const streams = new EventStreams({ feed, events, figures: () => figures.history(), logger });
  return {
    sessions: new BrowserSessions(clock),
    loginTokens: new LoginTokens(clock),
    streams,
    close() {
      feed.close();
      streams.close();
    },
  };
}
