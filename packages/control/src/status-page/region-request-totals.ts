import { Agent, request } from 'node:https';

/** The region nodes' counter of vault API requests (docs/metrics.md). */
const REQUESTS_COUNTER = 'vaultover_requests_total';

/** A region's /metrics must answer within this, or the sample has no rate for it. */
const METRICS_TIMEOUT_MS = 500;

/** The requests a region has answered since it started, or undefined when it does not say. */
export type RequestTotals = (regionUrl: string) => Promise<number | undefined>;

/**
 * Reads `vaultover_requests_total` from a region node's own `/metrics` (HTTPS, the deployment's CA, a
 * keep-alive agent): the one figure of requests a region has that the control process does not already
 * see (the global endpoint routes connections, not requests). Never throws: a region that does not
 * answer has no figure.
 */
export function httpsRequestTotals(ca: string | Buffer): RequestTotals {
  const agent = new Agent({ keepAlive: true, ca, maxSockets: 2 });
  return (regionUrl) =>
    new Promise((resolve) => {
      const req = request(new URL('/metrics', regionUrl), { agent, timeout: METRICS_TIMEOUT_MS }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', () => resolve(undefined));
        res.on('end', () =>
          resolve(res.statusCode === 200 ? sumOfCounter(text, REQUESTS_COUNTER) : undefined),
        );
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
}

/**
 * The sum of every sample of counter `name` in Prometheus's text format (0 before its first series: a
 * region that has answered no request yet). Reads prom-client's output: one `name{labels} value` line
 * per series and no timestamps; our labels' values (operations, statuses, regions) never hold a space.
 */
export function sumOfCounter(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
