import type { Redis } from 'ioredis';

/**
 * Stream in the control Redis of the requests the region nodes served, when the deployment's
 * `observability.requestLog` is on: what lets a scenario count on the server the attempts of each
 * logical request (`x-ms-client-request-id`, which the Azure SDKs keep across retries) and the fault
 * hits, beside what its clients report.
 */
export const REQUEST_LOG_KEY = 'vo:control:requests';

/** The stream's length is capped (approximately, as Redis trims whole nodes): the oldest go first. */
export const REQUEST_LOG_MAX_LENGTH = 200_000;

/** One request as a region node saw it end. */
export interface LoggedRequest {
  /** When it arrived, epoch ms. */
  readonly time: number;
  readonly region: string;
  /** Its `x-ms-client-request-id`, or '' without one. */
  readonly requestId: string;
  /** The catalogue operation. */
  readonly operation: string;
  /** The status answered, or 0 when nothing was (a reset, a hang, a client gone). */
  readonly status: number;
  /** The fault rules that acted on it (`x-vaultover-fault`), none when none did. */
  readonly faults: readonly string[];
  /** How long it took, ms. */
  readonly durationMs: number;
}

/** Appends requests to the log, in one round trip. */
export async function appendRequests(redis: Redis, requests: readonly LoggedRequest[]): Promise<void> {
  if (requests.length === 0) return;
  const pipeline = redis.pipeline();
  for (const r of requests) {
    pipeline.xadd(
      REQUEST_LOG_KEY,
      'MAXLEN',
      '~',
      REQUEST_LOG_MAX_LENGTH,
      '*',
      't',
      String(r.time),
      'r',
      r.region,
      'id',
      r.requestId,
      'op',
      r.operation,
      's',
      String(r.status),
      'f',
      r.faults.join(','),
      'd',
      String(Math.round(r.durationMs * 1000) / 1000),
    );
  }
  for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
}

/** Every logged request arrived at or after `since` (epoch ms), oldest first, read in pages. */
export async function readRequests(redis: Redis, since = 0): Promise<LoggedRequest[]> {
  const requests: LoggedRequest[] = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(REQUEST_LOG_KEY, start, '+', 'COUNT', 5000);
    for (const [, fields] of page) {
      const request = decode(fields);
      if (request.time >= since) requests.push(request);
    }
    const last = page.at(-1);
    if (!last || page.length < 5000) return requests;
    start = `(${last[0]}`;
  }
}

/**
 * How many attempts the regions saw of each logical request, by its `x-ms-client-request-id`. A 401 is
 * not an attempt: it is the bearer challenge an SDK client's first request gets, answered without a
 * token by design, after which the client sends the same request with one.
 */
export function attemptsByRequestId(requests: readonly LoggedRequest[]): Map<string, number> {
  const attempts = new Map<string, number>();
  for (const { requestId, status } of requests) {
    if (requestId && status !== 401) attempts.set(requestId, (attempts.get(requestId) ?? 0) + 1);
  }
  return attempts;
}

function decode(fields: string[]): LoggedRequest {
  const value = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
  const faults = value('f');
  return {
    time: Number(value('t')),
    region: value('r'),
    requestId: value('id'),
    operation: value('op'),
    status: Number(value('s')),
    faults: faults ? faults.split(',') : [],
    durationMs: Number(value('d')),
  };
}
