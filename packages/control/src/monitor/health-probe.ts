import { Agent, request } from 'node:https';
import type { RegionHealth } from '@vaultover/contract';

/** One probe's outcome. */
export type ProbeResult =
  | { ok: true; health: RegionHealth }
  | { ok: false; reason: string; health?: RegionHealth };

/** Probes one region; never throws. */
export type Probe = (url: string, signal: AbortSignal) => Promise<ProbeResult>;

/**
 * `GET <url>/health` over HTTPS, trusting the deployment's CA, on a keep-alive agent (a probe a second
 * must not cost a TLS handshake each). Healthy means 200 with `status: "ok"`.
 */
export function httpsProbe(ca: string | Buffer): Probe {
  const agent = new Agent({ keepAlive: true, ca, maxSockets: 4 });
  return (url, signal) =>
    new Promise((resolve) => {
      const req = request(new URL('/health', url), { agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ ok: false, reason: error.message }));
        res.on('end', () => resolve(judge(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', (error) =>
        resolve({ ok: false, reason: signal.aborted ? 'timed out' : (error as Error).message }),
      );
      req.end();
    });
}

function judge(status: number, text: string): ProbeResult {
  let health: RegionHealth | undefined;
  try {
    health = JSON.parse(text) as RegionHealth;
  } catch {
    return { ok: false, reason: `HTTP ${status}, not JSON` };
  }
  if (status === 200 && health.status === 'ok') return { ok: true, health };
  return { ok: false, reason: `HTTP ${status} (${String(health.status ?? 'no status')})`, health };
}
