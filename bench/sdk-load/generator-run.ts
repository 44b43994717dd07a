import { VaultoverCredential } from '@vaultover/auth';
import { type CallRecord, type LoadClientSpec, prepareLoad } from '@vaultover/load';
import type { WindowSpan, WindowTally } from '../load/load-window.ts';
import { median } from '../stats.ts';
import type { OpenLoopFigures, SdkTarget } from './sdk-load-spec.ts';

// The load generator as `vaultover load` and `scenario run` drive it: prepareLoad, start, stop, a
// record per call delivered to onRecord and kept, as a scenario run keeps them for its journal.

const SEED = 1;

/** A prepared load: each start runs it until `stop`, counting into that window's tally. */
export interface GeneratorRun {
  start(tally: WindowTally): { stop(span: WindowSpan): Promise<{ open?: OpenLoopFigures }> };
}

export async function prepareGenerator(target: SdkTarget, clients: LoadClientSpec[]): Promise<GeneratorRun> {
  const records: CallRecord[] = [];
  let tally: WindowTally | undefined;
  const load = await prepareLoad({
    target: {
      defaultVaultUrl: target.vaultUrl,
      vaults: {},
      ca: target.caPem,
      credential: (principal) => new VaultoverCredential({ principal, dataDir: target.dataDir }),
    },
    clients,
    seed: SEED,
    onRecord: (record) => {
      records.push(record);
      if (record.outcome === 'ok') tally?.success(record.latencyMs);
      else tally?.failure(`${record.code ?? 'failed'} (HTTP ${record.status ?? '-'})`);
    },
  });
  return {
    start(windowTally) {
      tally = windowTally;
      const first = records.length;
      const running = load.start();
      return {
        async stop(span) {
          await running.stop();
          const dropped = Object.values(running.summaries()).reduce((sum, s) => sum + s.dropped, 0);
          const open = openLoop(clients, records.slice(first), span, dropped);
          return open ? { open } : {};
        },
      };
    },
  };
}

/** How closely the open-loop clients kept to their schedule over `span`; undefined without any. */
function openLoop(
  clients: readonly LoadClientSpec[],
  records: readonly CallRecord[],
  span: WindowSpan,
  dropped: number,
): OpenLoopFigures | undefined {
  const open = clients.flatMap((c) => ('rate' in c.pacing ? [{ name: c.name, rate: c.pacing.rate }] : []));
  if (open.length === 0) return undefined;
  const late = open
    .flatMap(({ name, rate }) =>
      lateness(
        records.filter((r) => r.client === name),
        rate,
        span,
      ),
    )
    .sort((a, b) => a - b);
  const started = records.filter((r) => r.time >= span.openedAt && r.time < span.closedAt).length;
  return {
    askedPerSecond: open.reduce((sum, c) => sum + c.rate, 0),
    startedPerSecond: (started / span.windowMs) * 1000,
    dropped,
    lateP50Ms: median(late),
    lateP99Ms: late[Math.max(0, Math.ceil(0.99 * late.length) - 1)] ?? 0,
    lateMaxMs: late.at(-1) ?? 0,
  };
}

/**
 * How late each call of one open-loop client started inside the window: call n is due n / rate after
 * the first call (the pacer starts that one at once). Records carry whole-millisecond epoch starts, so
 * the figure is good to a millisecond, and a call that rounds early counts as on time. A dropped call
 * has no record: after one, later calls count as a whole interval later than they are (the drops are
 * reported beside).
 */
function lateness(records: readonly CallRecord[], rate: number, span: WindowSpan): number[] {
  const starts = records.map((r) => r.time).sort((a, b) => a - b);
  const first = starts[0];
  if (first === undefined) return [];
  return starts.flatMap((time, n) =>
    time >= span.openedAt && time < span.closedAt ? [Math.max(0, time - (first + (n * 1000) / rate))] : [],
  );
}
