/**
 * One call of a load client, as the journal keeps it: every figure of a summary is recomputed from these.
 */
export interface CallRecord {
  /** Epoch ms when the call started. */
  time: number;
  client: string;
  /** The mix's operation, e.g. `get`. */
  operation: string;
  /** Requests the client sent for this call (each retry is one; the SDK's token-less challenge is not). */
  attempts: number;
  outcome: 'ok' | 'failed';
  /** Ok at the first attempt. */
  firstTry: boolean;
  /** Failed: the error's code (`ServiceUnavailable`, `Throttled`, `Timeout`, `BrokenCircuit`, `ECONNRESET`…). */
  code?: string;
  /** The last HTTP status an attempt got, if any got one. */
  status?: number;
  latencyMs: number;
  /**
   * The distinct `x-ms-client-request-id`s of the call's attempts, in order: one when the SDK retries (it
   * keeps the id across its retries), one per attempt under cockatiel (each attempt is a new SDK call).
   */
  requestIds: string[];
  /** A write the client was told succeeded: the secret version it wrote (checked at the end of a run). */
  written?: { name: string; version: string };
}

/** Where a load delivers each record as its call ends. */
export type CallSink = (record: CallRecord) => void;

/** HTTP statuses a retry policy is meant to ride out: the service's transient answers. */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * A failed call whose failure was transient (a 408/429/5xx answer, no answer at all, the call's
 * timeout, an open circuit): the client gave up on something a later attempt might have passed. A
 * 4xx that no retry fixes (404, 403) is a failure but not giving up.
 */
export function gaveUp(record: CallRecord): boolean {
  if (record.outcome === 'ok') return false;
  if (record.status === undefined) return record.code !== 'Cancelled';
  return TRANSIENT_STATUS.has(record.status) || record.code === 'Timeout' || record.code === 'BrokenCircuit';
}
