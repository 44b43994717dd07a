import type { Clock } from '@vaultover/foundation';
import type { IPolicy } from 'cockatiel';
import { CallAttempts, withCallAttempts } from './attempt-counter.ts';
import type { CallRecord } from './call-record.ts';
import { errorCode } from './error-code.ts';
import type { Caller, Written } from './sdk-callers.ts';

export interface CallRunnerOptions {
  client: string;
  caller: Caller;
  /** cockatiel's policy around each call, for the `cockatiel` retry spec. */
  policy: IPolicy | undefined;
  timeoutMs: number;
  clock: Clock;
  /**
   * A user's module may count nothing: its call is then taken as one attempt. The SDK clients' count is
   * exact, and may be 0 (cockatiel's open circuit sends nothing).
   */
  atLeastOneAttempt?: boolean;
}

/**
 * The calls of a load in flight, so that stopping can abort those it gave up waiting for. A set rather
 * than a listener per call on one shared signal: Node's EventTarget walks its listeners to add and
 * remove one, so with many calls in flight that cost grows with each, on every call (docs/benchmarks.md).
 */
export class CallAborts {
  readonly #inFlight = new Set<AbortController>();
  #aborted = false;

  /** The controller of a new call: aborted already when the load has aborted its calls. */
  open(): AbortController {
    const controller = new AbortController();
    if (this.#aborted) controller.abort();
    else this.#inFlight.add(controller);
    return controller;
  }

  close(controller: AbortController): void {
    this.#inFlight.delete(controller);
  }

  /** Aborts every call in flight, and every call opened from now on. */
  abortAll(): void {
    this.#aborted = true;
    for (const controller of this.#inFlight) controller.abort();
    this.#inFlight.clear();
  }
}

/**
 * Makes one call and tells how it went. The timeout covers the whole call, every attempt and every
 * back-off: it is what the caller of an app waits at most. `aborts` aborts a call the load gave up
 * waiting for (recorded as `Cancelled`).
 */
export async function runCall(
  options: CallRunnerOptions,
  operation: string,
  aborts: CallAborts,
): Promise<CallRecord> {
  const { clock } = options;
  const attempts = new CallAttempts();
  const controller = aborts.open();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const time = clock.now();
  const started = performance.now();
  let code: string | undefined;
  let written: Written | undefined;
  try {
    written = await withCallAttempts(attempts, () =>
      options.policy
        ? untilAborted(
            options.policy.execute(({ signal }) => options.caller.call(operation, signal), controller.signal),
            controller.signal,
          )
        : options.caller.call(operation, controller.signal),
    );
    // An abort that lands as the answer arrives may not reach the call: its answer stands.
  } catch (error) {
    code = timedOut ? 'Timeout' : controller.signal.aborted ? 'Cancelled' : errorCode(error);
  } finally {
    timer.cancel();
    aborts.close(controller);
  }
  const latencyMs = performance.now() - started;
  const record: CallRecord = {
    time,
    client: options.client,
    operation,
    attempts: options.atLeastOneAttempt ? Math.max(attempts.count, 1) : attempts.count,
    outcome: code === undefined ? 'ok' : 'failed',
    firstTry: code === undefined && attempts.count <= 1,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    requestIds: attempts.requestIds,
  };
  if (code !== undefined) record.code = code;
  if (attempts.status !== undefined) record.status = attempts.status;
  if (code === undefined && written) record.written = { ...written };
  return record;
}

/**
 * cockatiel's back-off sleeps without looking at the signal (it checks it only after the delay), so a
 * call whose timeout passes during a back-off would overrun it by up to `maxDelay`. The call ends at
 * the abort instead; cockatiel makes no further attempt once it wakes to an aborted signal.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
