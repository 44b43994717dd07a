import { Agent, request } from 'node:https';
import { LATEST_API_VERSION } from '@vaultover/region';
import type { LoadResult } from '../load/load-spec.ts';
import { WindowTally } from '../load/load-window.ts';

/** Where and how many secret SETs to send. */
export interface WritePlan {
  /** The primary region node's HTTPS port (its default vault on `localhost`). */
  port: number;
  caPem: string;
  token: string;
  /** How many SETs in all. */
  writes: number;
  /** Distinct secret names: write n sets `mem-<n mod secrets>`, so names are reused once writes > secrets. */
  secrets: number;
  valueBytes: number;
  /** SETs in flight at once, one keep-alive connection each. */
  connections: number;
  /** Called after every `every` completed writes. */
  progress: { every: number; report(done: number): Promise<void> | void };
}

/**
 * Sends `writes` secret SETs as fast as the node answers them, `connections` at a time, as SDK clients
 * would (keep-alive HTTPS, a declared length). Every answer counts: there is no warm-up to leave out.
 */
export async function writeSecrets(plan: WritePlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections, ca: plan.caPem });
  const tally = new WindowTally();
  tally.phase = 'measuring';
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (let seq = next++; seq < plan.writes; seq = next++) {
      const began = performance.now();
      const outcome = await put(agent, plan, seq).catch((error: unknown) => String(error));
      if (outcome === undefined) tally.success(performance.now() - began);
      else tally.failure(outcome);
      done++;
      if (done % plan.progress.every === 0) await plan.progress.report(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.connections }, worker));
  } finally {
    agent.destroy();
  }
  return tally.result(performance.now() - started);
}

/** One SET; resolves undefined on success, with a description of the failure otherwise. */
function put(agent: Agent, plan: WritePlan, seq: number): Promise<string | undefined> {
  const name = `mem-${seq % plan.secrets}`;
  // A different value each time, so every write is a new version with its own ciphertext.
  const body = JSON.stringify({ value: String(seq).padStart(plan.valueBytes, 'v') });
  const headers = {
    authorization: `Bearer ${plan.token}`,
    host: `localhost:${plan.port}`,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  const path = `/secrets/${name}?api-version=${LATEST_API_VERSION}`;
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port: plan.port, servername: 'localhost', method: 'PUT', path, headers },
      (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          if (text.length < 300) text += chunk.toString('utf8');
        });
        res.on('end', () => resolve(status >= 200 && status < 300 ? undefined : `HTTP ${status} ${text}`));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
