import type { IncomingMessage, ServerResponse } from 'node:http';
import { appendRequests, FAULT_HEADER, type LoggedRequest } from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import type { Redis } from 'ioredis';
import { PeriodicFlush } from '../periodic-flush.ts';

/** How long logged requests wait in the node before they are written, ms. */
const FLUSH_MS = 50;
/** Requests kept while the control Redis does not answer; older ones are dropped first. */
const MAX_WAITING = 50_000;

/**
 * The node's side of the request log (contract's REQUEST_LOG_KEY): every request of both planes, once it
 * has ended (answered, reset, hung up on), with its `x-ms-client-request-id`, its operation, its status
 * and the fault rules that acted on it, written to the control Redis in batches.
 */
export class RequestLog extends PeriodicFlush<LoggedRequest[]> {
  readonly #redis: Redis;
  readonly #region: string;
  readonly #clock: Clock;
  #waiting: LoggedRequest[] = [];

  constructor(options: { redis: Redis; region: string; clock: Clock; onError: (error: unknown) => void }) {
    super({ clock: options.clock, intervalMs: FLUSH_MS, retryMs: 1000, onError: options.onError });
    this.#redis = options.redis;
    this.#region = options.region;
    this.#clock = options.clock;
  }

  /** Logs `req` when its response ends, whichever way it does, as the operation `operation()` names then. */
  track(req: IncomingMessage, res: ServerResponse, operation: () => string): void {
    const time = this.#clock.now();
    const started = performance.now();
    res.once('close', () => {
      const id = req.headers['x-ms-client-request-id'];
      const faults = res.getHeader(FAULT_HEADER);
      this.#push({
        time,
        region: this.#region,
        requestId: (Array.isArray(id) ? id[0] : id) ?? '',
        operation: operation(),
        // A response cut short (reset, hang, drop-body) may have sent its head: count what was answered.
        status: res.headersSent ? res.statusCode : 0,
        faults: typeof faults === 'string' && faults ? faults.split(', ') : [],
        durationMs: performance.now() - started,
      });
    });
  }

  protected take(): LoggedRequest[] | undefined {
    if (this.#waiting.length === 0) return undefined;
    const batch = this.#waiting;
    this.#waiting = [];
    return batch;
  }

  protected write(batch: LoggedRequest[]): Promise<void> {
    return appendRequests(this.#redis, batch);
  }

  protected restore(batch: LoggedRequest[]): void {
    this.#waiting = [...batch, ...this.#waiting].slice(-MAX_WAITING);
  }

  #push(request: LoggedRequest): void {
    this.#waiting.push(request);
    if (this.#waiting.length > MAX_WAITING) this.#waiting.shift();
    this.added();
  }
}
