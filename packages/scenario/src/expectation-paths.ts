import type { ClientFigures, SummaryFigures } from './summary.ts';

// The figures an expectation can name, what each one is, and where the summary holds it. The kind
// decides which units fit: a time takes ms, s or m (and is compared in seconds), a ratio a plain
// number or a percentage, a count or a factor only a plain number.

/** What a figure measures, which decides the units it takes. */
export type FigureKind = 'time' | 'ratio' | 'count' | 'factor';

interface Figure<From> {
  readonly kind: FigureKind;
  /** The value in the kind's base unit (seconds for a time); null when the run has none. */
  readonly read: (from: From) => number | null;
}

/** Figures of the whole run: `rto < 8s`. */
export const RUN_FIGURES: Readonly<Record<string, Figure<SummaryFigures>>> = {
  rto: { kind: 'time', read: (s) => s.failover?.rtoSeconds ?? null },
  detection: { kind: 'time', read: (s) => s.failover?.detectionSeconds ?? null },
  writes_unavailable: { kind: 'time', read: (s) => s.failover?.writesUnavailableSeconds ?? null },
  // No failover, nothing lost: a run that never failed over has an RPO of 0 changes.
  rpo: { kind: 'count', read: (s) => s.failover?.rpoChanges ?? 0 },
  failovers: { kind: 'count', read: (s) => s.failovers },
  failbacks: { kind: 'count', read: (s) => s.failbacks },
  acknowledged_writes_missing: { kind: 'count', read: (s) => s.acknowledgedWritesMissing },
};

/** Figures of one load client: `clients.<name>.success_rate >= 99%`. */
export const CLIENT_FIGURES: Readonly<Record<string, Figure<ClientFigures>>> = {
  calls: { kind: 'count', read: (c) => c.calls },
  succeeded: { kind: 'count', read: (c) => c.succeeded },
  failed: { kind: 'count', read: (c) => c.failed },
  success_rate: { kind: 'ratio', read: (c) => (c.calls === 0 ? null : c.succeeded / c.calls) },
  attempts: { kind: 'count', read: (c) => c.attempts },
  // Counted by the regions' request log, by the calls' request ids: what reached a region.
  server_attempts: { kind: 'count', read: (c) => c.serverAttempts },
  amplification: { kind: 'factor', read: (c) => c.amplification },
  p50: { kind: 'time', read: (c) => (c.p50Ms === null ? null : c.p50Ms / 1000) },
  p99: { kind: 'time', read: (c) => (c.p99Ms === null ? null : c.p99Ms / 1000) },
  gave_up: { kind: 'count', read: (c) => c.gaveUp },
};

/** The units each kind takes; '' is a plain number. */
export const UNITS_BY_KIND: Readonly<Record<FigureKind, readonly string[]>> = {
  time: ['ms', 's', 'm'],
  ratio: ['', '%'],
  count: [''],
  factor: [''],
};
