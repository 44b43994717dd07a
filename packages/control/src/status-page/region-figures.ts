import type { Clock } from '@vaultover/foundation';
import type { ControlStatus } from '../api/status-report.ts';
import type { RequestTotals } from './region-request-totals.ts';

/** Samples kept for the chart: five minutes at one a second. */
const HISTORY_LENGTH = 300;

/** One region's figures at one instant. */
export interface RegionFigure {
  /** Requests answered per second since the previous sample; null without two readings (down, restarted). */
  readonly requestsPerSecond: number | null;
  /** Changes the region has still to apply (a secondary), from its last good /health. */
  readonly lagEntries: number | null;
  readonly lagSeconds: number | null;
}

/** The chart's figures at one instant. */
export interface FiguresSample {
  /** ISO. */
  readonly at: string;
  readonly regions: Readonly<Record<string, RegionFigure>>;
}

interface Reading {
  readonly total: number;
  /** The clock's monotonic ms. */
  readonly at: number;
}

/**
 * The status page's chart: requests per second of each region (from its `vaultover_requests_total`) and
 * its replication lag (from the status report, i.e. its last good `/health`), one sample per call, the
 * last five minutes kept. Sampled only while someone watches (the status feed calls it).
 */
export class RegionFigures {
  readonly #regions: readonly { name: string; url: string }[];
  readonly #totals: RequestTotals;
  readonly #clock: Clock;
  readonly #last = new Map<string, Reading>();
  readonly #history: FiguresSample[] = [];

  constructor(regions: readonly { name: string; url: string }[], totals: RequestTotals, clock: Clock) {
    this.#regions = regions;
    this.#totals = totals;
    this.#clock = clock;
  }

  async sample(status: ControlStatus): Promise<FiguresSample> {
    const totals = await Promise.all(this.#regions.map(({ url }) => this.#totals(url)));
    const at = this.#clock.monotonicNow();
    const regions: Record<string, RegionFigure> = {};
    this.#regions.forEach(({ name }, i) => {
      const replication = status.regions[name]?.replication as Record<string, unknown> | null | undefined;
      regions[name] = {
        requestsPerSecond: this.#rate(name, totals[i], at),
        lagEntries: numberOrNull(replication?.lagEntries),
        lagSeconds: numberOrNull(replication?.lagSeconds),
      };
    });
    const sample = { at: new Date(this.#clock.now()).toISOString(), regions };
    this.#history.push(sample);
    if (this.#history.length > HISTORY_LENGTH) this.#history.shift();
    return sample;
  }

  history(): readonly FiguresSample[] {
    return [...this.#history];
  }

  #rate(region: string, total: number | undefined, at: number): number | null {
    const last = this.#last.get(region);
    if (total === undefined) {
      this.#last.delete(region);
      return null;
    }
    this.#last.set(region, { total, at });
    // A counter that went down belongs to a restarted node: no rate across the restart.
    if (!last || total < last.total || at <= last.at) return null;
    return Math.round(((total - last.total) / ((at - last.at) / 1000)) * 10) / 10;
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
