import { readFile } from 'node:fs/promises';
import { CodedError, httpsJson } from '@vaultover/foundation';

/** What the nemesis needs of a running `vaultover up`: the parts of its endpoints.json it uses. */
export interface NemesisTarget {
  gateway: string;
  control: string;
  caFile: string;
  dataDir: string;
  /** The replication links' API (plain HTTP on loopback) and each secondary's proxy name. */
  links: { api: string; proxies: Record<string, string> };
  /** endpoints.json, read again for the current pids (a restart changes them). */
  endpointsFile: string;
}

/** The failover record of `GET /api/status`, the fields the nemesis reads (docs/control-api.md). */
export interface FailoverStatus {
  state: string;
  epoch: number;
  lastFailover: {
    servingAt: string | null;
    endedAt: string | null;
    rpo: RpoJson | null;
    recoveredChanges: number | null;
  } | null;
  regions: Record<string, { role: string; healthy: boolean; lastProbe: { at: string; ok: boolean } | null }>;
}

/** A failover's `rpo` as the control API reports it (docs/control-api.md), the fields the nemesis reads. */
export interface RpoJson {
  lostChanges: number;
  newestLostCommitTime: string | null;
  lostWindowSeconds: number | null;
  primaryPositionFrom: 'store' | 'probes';
}

/**
 * The commit-time window the lost changes of `rpo` lie in (none when it lost nothing), a millisecond
 * wider either side: commit times and the window's length are rounded to it.
 */
export function lossWindows(rpo: RpoJson): { from: number; to: number }[] {
  if (rpo.newestLostCommitTime === null) return [];
  const newest = Date.parse(rpo.newestLostCommitTime);
  return [{ from: newest - (rpo.lostWindowSeconds ?? 0) * 1000 - 1, to: newest + 1 }];
}

/** One control event (`GET /api/events`). */
export interface ControlEvent {
  id: string;
  kind: string;
  details: Record<string, unknown>;
}

/** A call the deployment did not answer as expected: the nemesis retries or reports it. */
export class DeploymentCallError extends CodedError<'DeploymentCallFailed'> {
  readonly code = 'DeploymentCallFailed';
  readonly status: number;
  constructor(what: string, status: number, text: string) {
    super(`${what}: HTTP ${status} ${text.slice(0, 200)}`);
    this.status = status;
  }
}

/**
 * The deployment's APIs as an administrator calls them: the control API (status, events, region faults,
 * fault rules, manual controls), the replication links' API, and the processes' pids.
 */
export class DeploymentApi {
  readonly #target: NemesisTarget;
  readonly #ca: string;
  readonly #token: () => Promise<string>;

  constructor(target: NemesisTarget, ca: string, token: () => Promise<string>) {
    this.#target = target;
    this.#ca = ca;
    this.#token = token;
  }

  /** A control API call; resolves with the body when the status is `ok`, else throws DeploymentCallError. */
  async control(method: string, path: string, body?: unknown, ok: readonly number[] = [200, 201, 202, 204]) {
    const reply = await httpsJson({
      method,
      url: `${this.#target.control}${path}`,
      ca: this.#ca,
      token: await this.#token(),
      body,
      timeoutMs: 5000,
    });
    if (!ok.includes(reply.status))
      throw new DeploymentCallError(`${method} ${path}`, reply.status, reply.text);
    return reply.body;
  }

  async status(): Promise<FailoverStatus> {
    return (await this.control('GET', '/api/status')) as FailoverStatus;
  }

  /** Every control event after `since` (all when undefined), oldest first. */
  async events(since?: string): Promise<ControlEvent[]> {
    const all: ControlEvent[] = [];
    let after = since;
    for (;;) {
      const query = `limit=500${after === undefined ? '' : `&since=${encodeURIComponent(after)}`}`;
      const page = ((await this.control('GET', `/api/events?${query}`)) as { value: ControlEvent[] }).value;
      all.push(...page);
      if (page.length < 500) return all;
      after = page[page.length - 1]?.id;
    }
  }

  /** Enables or disables every replication link (a partition between the regions, or its heal). */
  async replication(enabled: boolean): Promise<void> {
    for (const proxy of Object.values(this.#target.links.proxies)) {
      const response = await fetch(`${this.#target.links.api}/proxies/${proxy}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.#token()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 200)
        throw new DeploymentCallError(
          `link ${proxy} enabled=${enabled}`,
          response.status,
          await response.text(),
        );
    }
  }

  /** The current pids of the control process and of every region node. */
  async pids(): Promise<{ control: number | null; regions: Record<string, number> }> {
    const endpoints = JSON.parse(await readFile(this.#target.endpointsFile, 'utf8')) as {
      controlPid: number | null;
      regions: Record<string, { pid: number }>;
    };
    return {
      control: endpoints.controlPid,
      regions: Object.fromEntries(Object.entries(endpoints.regions).map(([name, r]) => [name, r.pid])),
    };
  }
}
