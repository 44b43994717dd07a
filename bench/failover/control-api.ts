import { Agent, request } from 'node:https';
import type { ControlEvent, ControlStatus } from '@vaultover/control';

// The control API (docs/control-api.md) as the suite uses it: status, events, region faults.

const CALL_TIMEOUT_MS = 10_000;

export interface ControlApi {
  status(): Promise<ControlStatus>;
  /** Events after `since` (exclusive), oldest first. */
  events(since?: string): Promise<ControlEvent[]>;
  /** POST /api/regions/<region>/<fault>, e.g. `crash`, `restart`; throws unless 2xx. */
  fault(region: string, fault: 'crash' | 'restart'): Promise<void>;
  close(): void;
}

export function controlApi(baseUrl: string, caPem: string, token: string): ControlApi {
  // Keep-alive, so polls and the crash call do not each pay a TLS handshake.
  const agent = new Agent({ keepAlive: true, maxSockets: 2, ca: caPem });
  const call = (method: 'GET' | 'POST', path: string) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request(
        `${baseUrl}${path}`,
        { method, agent, headers: { authorization: `Bearer ${token}` }, timeout: CALL_TIMEOUT_MS },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300)
              reject(new Error(`${method} ${path}: HTTP ${status} ${body.slice(0, 300)}`));
            else resolve(body === '' ? undefined : JSON.parse(body));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${CALL_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
  return {
    status: async () => (await call('GET', '/api/status')) as ControlStatus,
    events: async (since) => {
      const query = since ? `?since=${encodeURIComponent(since)}&limit=1000` : '?limit=1000';
      return ((await call('GET', `/api/events${query}`)) as { value: ControlEvent[] }).value;
    },
    fault: async (region, fault) => {
      await call('POST', `/api/regions/${region}/${fault}`);
    },
    close: () => agent.destroy(),
  };
}
