// What a run measured, as summary.json holds it (issue 11's contract). The runner fills it; the
// expectations read it (expectation-paths.ts says which field each path reads).

/** The failover the run provoked, measured from the control events; null when none happened. */
export interface FailoverFigures {
  /** From the fault to the monitor's verdict (failover started). */
  readonly detectionSeconds: number;
  /** From the fault to the first read served again (by the secondary). */
  readonly rtoSeconds: number;
  /** From the fault to the first write accepted again. */
  readonly writesUnavailableSeconds: number;
  /** Acknowledged changes the secondary did not have when it was promoted. */
  readonly rpoChanges: number;
}

/** One load client's figures over the whole run. */
export interface ClientFigures {
  /** The retry policy's name (`sdk-default`, `cockatiel`, …). */
  readonly policy: string;
  readonly calls: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Attempts over every call (a call retried twice counts three). */
  readonly attempts: number;
  /** Attempts per call: 1 when nothing was retried. */
  readonly amplification: number;
  /** Latency of the calls (null: no calls). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Attempts the regions logged for the calls' request ids (the request log), beside `attempts`. */
  readonly serverAttempts: number | null;
  /** Open loop: calls due that were not started because too many were in flight. */
  readonly dropped: number;
  /** Calls the policy stopped retrying (out of attempts, circuit open, out of time). */
  readonly gaveUp: number;
  readonly errorsByCode: Readonly<Record<string, number>>;
}

/** One expectation's verdict: `name` is the text as written, `expr` its canonical form. */
export interface ExpectationResult {
  readonly name: string;
  readonly expr: string;
  /** The value compared, in the path's unit (seconds, a ratio, a count); null when the run has none. */
  readonly actual: number | null;
  /** What it was compared with: the number written, or the other figure's value (null when the run has none). */
  readonly expected: number | null;
  readonly pass: boolean;
}

/** summary.json. */
export interface ScenarioSummary extends SummaryFigures {
  readonly scenario: string;
  readonly seed: number;
  readonly verdict: 'pass' | 'fail';
  readonly expectations: readonly ExpectationResult[];
}

/** The figures expectations are evaluated against: the summary before its verdict. */
export interface SummaryFigures {
  readonly failover: FailoverFigures | null;
  /** Failovers completed (failed-over entered). */
  readonly failovers: number;
  /** Failbacks completed (normal entered again after a failover). */
  readonly failbacks: number;
  /** Writes a client was told succeeded that the vault no longer holds at the end of the run. */
  readonly acknowledgedWritesMissing: number;
  readonly clients: Readonly<Record<string, ClientFigures>>;
}

/** An expectation's values as reports show them: `actual: 25, compared with 25`. */
export function comparedValues(result: ExpectationResult): string {
  return `actual: ${result.actual ?? 'none'}, compared with ${result.expected ?? 'none'}`;
}
