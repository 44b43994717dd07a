import { Agent, request } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';

/** One request of the probe: when it was sent, whether it succeeded, who answered in which mode. */
export interface ProbeSample {
  kind: 'read' | 'write';
  /** performance.now() when sent. */
  at: number;
  ok: boolean;
  status: number | null;
  region: string | null;
  mode: string | null;
}

export interface AvailabilityProbeOptions {
  /** The global endpoint. */
  url: string;
  ca: string;
  credential: TokenCredential;
  /** A secret that exists, to read. */
  secret: string;
  intervalMs: number;
}

/**
 * What a client sees through a failover: a read and a write through the global endpoint every
 * interval, each recorded. Plain HTTPS with keep-alive rather than the SDK, so that one slow answer
 * never hides the next sample behind the SDK's retries.
 */
export class AvailabilityProbe {
  readonly samples: ProbeSample[] = [];
  readonly #options: AvailabilityProbeOptions;
  readonly #agent: Agent;
  #timer: NodeJS.Timeout | undefined;
  #token = '';
  #busy = { read: false, write: false };
  #writes = 0;

  constructor(options: AvailabilityProbeOptions) {
    this.#options = options;
    this.#agent = new Agent({ keepAlive: true, ca: options.ca, maxSockets: 4 });
  }

  async start(): Promise<void> {
    this.#token = (await this.#options.credential.getToken('https://vault.azure.net/.default'))?.token ?? '';
    this.#timer = setInterval(() => {
      this.#send('read');
      this.#send('write');
    }, this.#options.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#agent.destroy();
  }

  #send(kind: 'read' | 'write'): void {
    if (this.#busy[kind]) return; // the previous one is still out: a client waiting, not a new sample
    this.#busy[kind] = true;
    const at = performance.now();
    const path =
      kind === 'read'
        ? `/secrets/${this.#options.secret}?api-version=7.5`
        : `/secrets/probe-write-${++this.#writes % 50}?api-version=7.5`;
    const body = kind === 'write' ? JSON.stringify({ value: 'probe' }) : undefined;
    const done = (sample: Omit<ProbeSample, 'kind' | 'at'>) => {
      this.#busy[kind] = false;
      this.samples.push({ kind, at, ...sample });
    };
    const req = request(
      new URL(path, this.#options.url),
      {
        method: kind === 'read' ? 'GET' : 'PUT',
        agent: this.#agent,
        timeout: 5000,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          done({
            ok: (res.statusCode ?? 0) < 300,
            status: res.statusCode ?? null,
            region: header(res.headers['x-ms-keyvault-region']),
            mode: header(res.headers['x-vaultover-mode']),
          }),
        );
        res.on('error', () => done({ ok: false, status: res.statusCode ?? null, region: null, mode: null }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done({ ok: false, status: null, region: null, mode: null }));
    req.end(body);
  }
}

function header(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** From `from`: the first failing sample of `kind`, and the first success after it (null if none). */
export function outage(
  samples: readonly ProbeSample[],
  kind: ProbeSample['kind'],
  from: number,
): { start: number; end: number | null } | null {
  const ordered = samples.filter((s) => s.kind === kind && s.at >= from).sort((a, b) => a.at - b.at);
  const first = ordered.findIndex((s) => !s.ok);
  if (first < 0) return null;
  const recovered = ordered.slice(first).find((s) => s.ok);
  return { start: (ordered[first] as ProbeSample).at, end: recovered?.at ?? null };
}
