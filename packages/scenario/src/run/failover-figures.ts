import type { StepAction } from '../step-schema.ts';
import type { FailoverFigures } from '../summary.ts';
import type { ControlEvent } from './event-follower.ts';

/** The control API's record of the latest failover (`lastFailover` of `GET /api/status`), as used here. */
export interface FailoverRecord {
  readonly from: string;
  readonly forced: boolean;
  readonly detectedAt: string | null;
  readonly startedAt: string;
  readonly servingAt: string | null;
  readonly endedAt: string | null;
  readonly rpo: { readonly lostChanges: number } | null;
}

/** A step that ran, with the time it started (epoch ms). */
export interface StepRun {
  readonly action: StepAction;
  readonly startedAt: number;
}

/**
 * The run's failover, measured from the fault that caused it: the last step before the failover started
 * that crashed the failed region, stopped its Redis, failed its health or partitioned it (a blackhole on a
 * kernel link that leads to it, `linkRegions`), or the forced failover's own step. Null when the run
 * provoked none (no record, or one from before the run).
 *
 * - detection: from the fault to the monitor's verdict (0 for a forced failover);
 * - RTO: from the fault until the secondary served;
 * - writes unavailable: from the fault until writes came back, at the end of the failback (the
 *   secondary serves read-only), or until the run ended if they did not;
 * - RPO: the acknowledged changes the secondary did not have when it was promoted.
 */
export function failoverFigures(
  record: FailoverRecord | null,
  steps: readonly StepRun[],
  runStartedAt: number,
  runEndedAt: number,
  linkRegions: Readonly<Record<string, string>> = {},
): FailoverFigures | null {
  if (!record) return null;
  const startedAt = Date.parse(record.startedAt);
  if (startedAt < runStartedAt) return null;
  const causes = steps.filter(
    (step) => step.startedAt <= startedAt && causedBy(step.action, record, linkRegions),
  );
  const faultAt = causes.at(-1)?.startedAt ?? startedAt;
  const seconds = (end: number) => Math.round(Math.max(0, end - faultAt)) / 1000;
  const detectedAt = record.detectedAt ? Date.parse(record.detectedAt) : startedAt;
  return {
    detectionSeconds: record.forced ? 0 : seconds(detectedAt),
    rtoSeconds: seconds(record.servingAt ? Date.parse(record.servingAt) : runEndedAt),
    writesUnavailableSeconds: seconds(record.endedAt ? Date.parse(record.endedAt) : runEndedAt),
    rpoChanges: record.rpo?.lostChanges ?? 0,
  };
}

function causedBy(
  action: StepAction,
  record: FailoverRecord,
  linkRegions: Readonly<Record<string, string>>,
): boolean {
  switch (action.kind) {
    case 'crash':
      return action.region === record.from;
    case 'redis':
      return action.region === record.from && action.action === 'stop';
    case 'health':
      return action.region === record.from && action.fail;
    case 'failover':
      return record.forced;
    case 'toxic':
      return action.add?.type === 'blackhole' && linkRegions[action.link] === record.from;
    default:
      return false;
  }
}

/** Failovers (failed-over entered) and failbacks (normal entered after failing back) among the events. */
export function transitionCounts(events: readonly ControlEvent[]): { failovers: number; failbacks: number } {
  let failovers = 0;
  let failbacks = 0;
  for (const event of events) {
    if (event.kind !== 'transition') continue;
    if (event.details.to === 'failed-over' && event.details.from === 'failing-over') failovers += 1;
    if (event.details.to === 'normal' && event.details.from === 'failing-back') failbacks += 1;
  }
  return { failovers, failbacks };
}
