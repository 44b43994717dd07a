import { eventually } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/clients.ts';
import {
  type FailoverStack,
  PRIMARY,
  SECONDARY,
  startFailoverStack,
  waitForState,
  waitUntilNormal,
} from '../support/failover-stack.ts';

// The control API as docs/control-api.md describes it: administrators only, the status shape of its
// `GET /api/status` section, refusals with reasons, pause/resume, injected health failures, events and
// metrics.

let stack: FailoverStack;

beforeAll(async () => {
  stack = await startFailoverStack({ failover: { autoFailback: false } });
  await waitUntilNormal(stack);
});

afterAll(async () => {
  await stack?.close();
});

const api = (path: string, principal?: string, method = 'GET') =>
  rawRequest(stack.control, { path, method, ...(principal ? { principal } : {}) });

/** How the status and events write times: ISO 8601, UTC, milliseconds. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function errorOf(json: unknown): { code: string; message: string } {
  return (json as { error: { code: string; message: string } }).error;
}

async function metrics(): Promise<string> {
  return (await api('/metrics')).text;
}

describe('the control API', () => {
  it('answers 401 with the bearer challenge without a token, 403 for a non-administrator', async () => {
    const anonymous = await api('/api/status');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer authorization=/);
    const officer = await api('/api/status', 'officer');
    expect(officer.status).toBe(403);
    expect(errorOf(officer.json).message).toContain('officer is not an administrator');
    expect((await api('/api/nothing', 'admin')).status).toBe(404);
    expect(errorOf((await api(`/api/regions/nowhere/crash`, 'admin', 'POST')).json).code).toBe(
      'RegionNotFound',
    );
  });

  it('reports the status fields of docs/control-api.md', async () => {
    const reply = await api('/api/status', 'admin');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      state: 'normal',
      epoch: expect.any(Number),
      serving: PRIMARY,
      paused: false,
      regions: {
        [PRIMARY]: { role: 'primary', mode: 'read-write', healthy: true, replication: expect.any(Object) },
        [SECONDARY]: { role: 'secondary', mode: 'standby', healthy: true, replication: expect.any(Object) },
      },
      lastFailover: null,
    });
  });

  it('refuses a failback while normal with 409 and the reason', async () => {
    const reply = await api('/api/failback', 'admin', 'POST');
    expect(reply.status).toBe(409);
    expect(errorOf(reply.json)).toEqual({
      code: 'Conflict',
      message: expect.stringMatching(/^Cannot fail back: the vault is normal \(epoch \d+\)/),
    });
  });

  it('does not fail over on its own while paused, and does once resumed', async () => {
    expect((await api('/api/monitor/pause', 'admin', 'POST')).json).toEqual({ paused: true });
    expect((await api('/api/regions/westeurope/health/fail', 'admin', 'POST')).status).toBe(200);
    await eventually(async () => {
      const status = (await api('/api/status', 'admin')).json as {
        regions: Record<string, { healthy: boolean }>;
      };
      expect(status.regions[PRIMARY]?.healthy).toBe(false);
    });
    // The monitor has judged the primary down; paused, the orchestrator must leave the state alone.
    // Its decisions run every probe interval: a few intervals without a move show the pause holds.
    const epoch = ((await api('/api/status', 'admin')).json as { epoch: number }).epoch;
    await eventually(async () =>
      expect(await metrics()).toMatch(
        /vaultover_health_checks_total\{region="westeurope",result="fail"\} ([5-9]|\d\d+)/,
      ),
    );
    expect((await api('/api/status', 'admin')).json).toMatchObject({ state: 'normal', epoch, paused: true });
    expect(await metrics()).toContain('vaultover_region_up{region="westeurope"} 0');

    expect((await api('/api/monitor/resume', 'admin', 'POST')).json).toEqual({ paused: false });
    const failedOver = await waitForState(stack, 'failed-over');
    expect(failedOver.epoch).toBe(epoch + 2);
    expect(failedOver.lastFailover).toMatchObject({ from: PRIMARY, to: SECONDARY, forced: false });
    expect(failedOver.lastFailover?.reason).toBe('westeurope failed its health checks');
    expect(failedOver.lastFailover).toMatchObject({
      detectedAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
      servingAt: expect.stringMatching(ISO),
      failbackStartedAt: null,
      endedAt: null,
    });
  });

  it('exposes the failover in metrics and events, refuses a second failover, and fails back on request', async () => {
    // The counters move right after the state (the transition's runner updates them once it won).
    const text = await eventually(async () => {
      const current = await metrics();
      expect(current).toContain('vaultover_failovers_total 1');
      expect(current).toContain('vaultover_failover_state{state="failed-over"} 1');
      return current;
    });
    expect(text).toContain('vaultover_failover_state{state="normal"} 0');
    expect(text).toContain('vaultover_failovers_total 1');
    expect(text).toMatch(/vaultover_failover_duration_seconds_count 1/);

    const again = await api('/api/failover', 'admin', 'POST');
    expect(again.status).toBe(409);
    expect(errorOf(again.json).message).toMatch(/^Cannot fail over: the vault is failed-over/);
    const early = await api('/api/failback', 'admin', 'POST');
    expect(early.status).toBe(409);
    expect(errorOf(early.json).message).toMatch(
      /^Cannot fail back: the primary region westeurope is not healthy yet/,
    );

    expect((await api('/api/regions/westeurope/health/ok', 'admin', 'POST')).status).toBe(200);
    await eventually(async () => {
      const status = (await api('/api/status', 'admin')).json as {
        regions: Record<string, { healthy: boolean }>;
      };
      expect(status.regions[PRIMARY]?.healthy).toBe(true);
    });
    const accepted = await api('/api/failback', 'admin', 'POST');
    expect(accepted.status).toBe(202);
    expect(accepted.json).toMatchObject({ accepted: true, jobId: expect.stringMatching(/^failback-\d+$/) });
    const normal = await waitUntilNormal(stack);
    expect(normal.lastFailover).toMatchObject({
      failbackStartedAt: expect.stringMatching(ISO),
      endedAt: expect.stringMatching(ISO),
    });

    const events = (await api('/api/events', 'admin')).json as {
      value: { id: string; kind: string; details: Record<string, unknown> }[];
    };
    const kinds = events.value.map((e) => (e.kind === 'transition' ? `→${String(e.details.to)}` : e.kind));
    expect(kinds.filter((k) => k.startsWith('→'))).toEqual([
      '→normal',
      '→failing-over',
      '→failed-over',
      '→failing-back',
      '→normal',
    ]);
    expect(events.value.filter((e) => e.kind === 'fault').map((e) => e.details.fault)).toEqual([
      'health-fail',
      'health-ok',
    ]);
    const last = events.value.at(-1)?.id as string;
    const after = (await api(`/api/events?since=${last}`, 'admin')).json as { value: unknown[] };
    expect(after.value).toEqual([]);
    expect((await api('/api/events?since=yesterday', 'admin')).status).toBe(400);
    // Found by the control-API fuzzer: an id past what Redis reads was a 500, Redis's largest one too.
    expect((await api('/api/events?since=99999999999999999999-0', 'admin')).status).toBe(400);
    const largest = `${2n ** 64n - 1n}-${2n ** 64n - 1n}`;
    expect((await api(`/api/events?since=${largest}`, 'admin')).json).toEqual({ value: [] });
  });

  it('answers process faults with 503 when it does not supervise the region processes', async () => {
    const reply = await api(`/api/regions/${PRIMARY}/crash`, 'admin', 'POST');
    expect(reply.status).toBe(503);
    expect(errorOf(reply.json).message).toContain('does not supervise the region processes');
  });
});

describe('the client link under /api/links (toxiproxy-shaped)', () => {
  const links = (path: string, principal?: string, method = 'GET', body?: unknown) =>
    rawRequest(stack.control, {
      path: `/api/links${path}`,
      method,
      ...(principal ? { principal } : {}),
      ...(body === undefined ? {} : { body }),
    });

  it('lists the global endpoint as a proxy, for administrators only', async () => {
    expect((await links('/proxies')).status).toBe(401);
    expect((await links('/proxies', 'officer')).status).toBe(403);
    const reply = await links('/proxies', 'admin');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      'global-endpoint': {
        name: 'global-endpoint',
        listen: `127.0.0.1:${stack.gateway.port}`,
        upstream: expect.stringMatching(/^localhost:\d+$/),
        enabled: true,
        toxics: [],
      },
    });
  });

  it('adds, reads, updates and removes a toxic, with toxiproxy-shaped errors', async () => {
    const added = await links('/proxies/global-endpoint/toxics', 'admin', 'POST', {
      name: 'lag',
      type: 'latency',
      attributes: { latency: 10 },
    });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({
      name: 'lag',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });
    const updated = await links('/proxies/global-endpoint/toxics/lag', 'admin', 'POST', {
      attributes: { jitter: 5 },
    });
    expect(updated.json).toMatchObject({ attributes: { latency: 10, jitter: 5 } });
    expect((await links('/proxies/global-endpoint/toxics', 'admin')).json).toHaveLength(1);
    expect((await links('/proxies/global-endpoint/toxics/lag', 'admin', 'DELETE')).status).toBe(204);
    expect((await links('/proxies/global-endpoint/toxics', 'admin')).json).toEqual([]);

    const unknown = await links('/proxies/nowhere', 'admin');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: expect.stringContaining('nowhere'), status: 404 });
    const bad = await links('/proxies/global-endpoint/toxics', 'admin', 'POST', { type: 'nonsense' });
    expect(bad.status).toBe(400);
    expect((await links('/proxies/%ZZ', 'admin')).status).toBe(400);
  });
});

describe('the control API refuses malformed HTTP in its own error format (issue 13, defect 5)', () => {
  it('a 60 KB header: 400 BadRequest with a JSON body', async () => {
    const reply = await rawRequest(stack.control, {
      path: '/api/status',
      principal: 'admin',
      headers: { 'x-padding': 'p'.repeat(60 * 1024) },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.connection).toBe('close');
    expect(errorOf(reply.json).code).toBe('BadRequest');
  });

  it('a body over 64 KB: 413 RequestEntityTooLarge', async () => {
    const reply = await rawRequest(stack.control, {
      method: 'POST',
      path: '/api/faults',
      principal: 'admin',
      body: { padding: 'p'.repeat(70 * 1024) },
    });
    expect(reply.status).toBe(413);
    expect(errorOf(reply.json).code).toBe('RequestEntityTooLarge');
  });

  it('bytes past a short Content-Length: the request is answered in JSON, and the connection closed', async () => {
    const reply = await rawRequest(stack.control, {
      method: 'POST',
      path: '/api/faults',
      principal: 'admin',
      body: '{"action": "error"}',
      headers: { 'content-length': 3 },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.connection).toBe('close');
    expect(errorOf(reply.json).code).toBe('BadParameter');
  });
});
