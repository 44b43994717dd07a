import { setTimeout as delay } from 'node:timers/promises';
import type { ControlEvent } from '@vaultover/control';
import type { LoadSpec } from '../load/load-spec.ts';
import {
  type AvailabilityProbe,
  failuresBetween,
  outageAfter,
  startProbe,
  wallNow,
} from './availability-probe.ts';
import type { ControlApi } from './control-api.ts';

// One failover and failback, end to end: crash the primary with clients polling the global
// endpoint, note when the control process moved, restart the primary, let it fail back on its own.

const PRIMARY = 'westeurope';
const PROBE_INTERVAL_MS = 10;
// Good answers on both probes before the crash, so a failure after it is the crash's.
const SETTLE_MS = 500;
const EVENT_POLL_MS = 50;
const TRANSITION_TIMEOUT_MS = 90_000;

/** The requests of the two probes: a read of a replicated secret, and a write. */
export interface ProbeRequests {
  read: LoadSpec;
  write: LoadSpec;
}

/** What one cycle measured; times are wall-clock ms since the epoch, durations ms. */
export interface CycleMeasurement {
  /** Just before the crash call was sent. */
  crashAt: number;
  /** The `failing-over` transition, by the control process's clock. */
  failingOverAt: number;
  failedOverAt: number;
  restartAt: number;
  failingBackAt: number;
  normalAt: number;
  /** crash → failing-over. */
  detectionMs: number;
  /** failing-over → failed-over (the window plus any wait for the lease). */
  failoverTransitionMs: number;
  /** failing-back → normal. */
  failbackTransitionMs: number;
  /** Reads: first failure after the crash → first success after it. */
  readOutageMs: number | undefined;
  /** crash → first failed read. */
  readFirstFailureMs: number | undefined;
  /** Reads: first failure after failing-back → first success after it. */
  readFailbackOutageMs: number | undefined;
  /** Writes: first failure after failing-back → first success after it. */
  writeFailbackOutageMs: number | undefined;
  /** Writes: first failure after the crash → first success (writes wait for failback). */
  writeOutageMs: number | undefined;
  /** Failed reads while failed over, between the two outages: should be none. */
  readFailuresWhileFailedOver: number;
  reads: number;
  writes: number;
}

/**
 * Runs one cycle; the deployment must be `normal` with both regions healthy. `phaseSpreadMs` (the
 * monitor's probe interval): the crash waits a random part of it, because where the crash falls
 * between two probes decides the detection time, and without the spread every cycle would fall at
 * about the same phase (each starts from the same probe-driven transition to normal).
 */
export async function runFailoverCycle(
  api: ControlApi,
  requests: ProbeRequests,
  phaseSpreadMs: number,
): Promise<CycleMeasurement> {
  const read = startProbe(requests.read, PROBE_INTERVAL_MS, () => undefined);
  const write = startProbe(requests.write, PROBE_INTERVAL_MS, (n) => JSON.stringify({ value: `w${n}` }));
  try {
    await delay(SETTLE_MS + Math.random() * phaseSpreadMs);
    assertHealthy(read, 'read');
    assertHealthy(write, 'write');
    const events = eventFollower(api, `${Math.floor(wallNow())}-0`);
    const crashAt = wallNow();
    await api.fault(PRIMARY, 'crash');
    const failingOverAt = await events.transitionTo('failing-over');
    const failedOverAt = await events.transitionTo('failed-over');
    const restartAt = wallNow();
    await api.fault(PRIMARY, 'restart');
    const failingBackAt = await events.transitionTo('failing-back');
    const normalAt = await events.transitionTo('normal');
    await delay(SETTLE_MS);
    await Promise.all([read.stop(), write.stop()]);
    const times = { crashAt, failingOverAt, failedOverAt, restartAt, failingBackAt, normalAt };
    return { ...times, ...figures(times, read, write) };
  } finally {
    await Promise.all([read.stop(), write.stop()]);
  }
}

function figures(
  t: Pick<CycleMeasurement, 'crashAt' | 'failingOverAt' | 'failedOverAt' | 'failingBackAt' | 'normalAt'>,
  read: AvailabilityProbe,
  write: AvailabilityProbe,
) {
  const readOutage = outageAfter(read.samples, t.crashAt);
  const readFailback = outageAfter(read.samples, t.failingBackAt);
  const writeFailback = outageAfter(write.samples, t.failingBackAt);
  const writeOutage = outageAfter(write.samples, t.crashAt);
  const span = (o: ReturnType<typeof outageAfter>) =>
    o?.recoveredAt === undefined ? undefined : o.recoveredAt - o.firstFailureAt;
  const failedOverFrom = readOutage?.recoveredAt ?? t.failedOverAt;
  return {
    detectionMs: t.failingOverAt - t.crashAt,
    failoverTransitionMs: t.failedOverAt - t.failingOverAt,
    failbackTransitionMs: t.normalAt - t.failingBackAt,
    readOutageMs: span(readOutage),
    readFirstFailureMs: readOutage ? readOutage.firstFailureAt - t.crashAt : undefined,
    readFailbackOutageMs: span(readFailback),
    writeFailbackOutageMs: span(writeFailback),
    writeOutageMs: span(writeOutage),
    readFailuresWhileFailedOver: failuresBetween(read.samples, failedOverFrom, t.failingBackAt),
    reads: read.samples.length,
    writes: write.samples.length,
  };
}

function assertHealthy(probe: AvailabilityProbe, what: string): void {
  const bad = probe.samples.filter((s) => !s.ok);
  if (probe.samples.length === 0 || bad.length > 0) {
    const statuses = [...new Set(bad.map((s) => s.status))].join(', ');
    throw new Error(
      `the ${what} probe failed before the crash (${bad.length}/${probe.samples.length}; ${statuses})`,
    );
  }
}

/** Follows /api/events from `since`, remembering what it has seen, to find transitions in order. */
function eventFollower(api: ControlApi, since: string) {
  let cursor = since;
  const seen: ControlEvent[] = [];
  let searchFrom = 0;
  const transitionTo = async (state: string): Promise<number> => {
    const deadline = Date.now() + TRANSITION_TIMEOUT_MS;
    for (;;) {
      const index = seen.findIndex(
        (e, i) => i >= searchFrom && e.kind === 'transition' && e.details.to === state,
      );
      if (index >= 0) {
        searchFrom = index + 1;
        return Date.parse((seen[index] as ControlEvent).time);
      }
      if (Date.now() > deadline) throw new Error(`no transition to ${state} in ${TRANSITION_TIMEOUT_MS} ms`);
      await delay(EVENT_POLL_MS);
      const fresh = await api.events(cursor);
      seen.push(...fresh);
      cursor = fresh.at(-1)?.id ?? cursor;
    }
  };
  return { transitionTo };
}

/** Waits until the deployment is `normal` with every region healthy (between cycles). */
export async function awaitNormal(api: ControlApi, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await api.status();
    const healthy = Object.values(status.regions).every((r) => r.healthy);
    if (status.state === 'normal' && healthy) return;
    if (Date.now() > deadline)
      throw new Error(`not normal and healthy within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await delay(200);
  }
}
