import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { isRestError, SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { Endpoints } from '@vaultover/cli';
import { type CliProcess, startCli } from '@vaultover/cli/test-support';
import type { ControlEvent, ControlStatus } from '@vaultover/control';
import { bearerCall, deploymentRedisMode, eventually, isProcessAlive, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A failover and failback, the whole story as a client sees it: `vaultover up` (real processes, real
// Redis), a read and a write load through the real SecretClient at the global endpoint with retries off
// (every failure is seen), the primary crashed and restarted through the control API. The observed
// outcomes, reduced to phases, must be: writes OK → failures (detection, then the failover window) →
// reads OK while writes are refused read-only → failures (the failback window) → all OK; the read outage
// within generous bounds of the configured timings; one failover cycle in the events; digests equal and
// every acknowledged write readable after failback.

const MONITOR = { probeIntervalMs: 200, probeTimeoutMs: 150, failureThreshold: 3, recoveryThreshold: 3 };
const FAILOVER = { failoverWindowMs: 2000, failbackWindowMs: 1500, minFailedOverMs: 1000, leaseMs: 600 };
const CONFIG = `logLevel: warn
monitor: { probeIntervalMs: ${MONITOR.probeIntervalMs}, probeTimeoutMs: ${MONITOR.probeTimeoutMs}, failureThreshold: ${MONITOR.failureThreshold}, recoveryThreshold: ${MONITOR.recoveryThreshold} }
failover: { failoverWindowMs: ${FAILOVER.failoverWindowMs}, failbackWindowMs: ${FAILOVER.failbackWindowMs}, minFailedOverMs: ${FAILOVER.minFailedOverMs}, leaseMs: ${FAILOVER.leaseMs}, failureMode: status }
`;
/** Crash → the monitor's verdict, at the latest. */
const DETECTION_BOUND_MS = MONITOR.probeIntervalMs * MONITOR.failureThreshold + MONITOR.probeTimeoutMs;
/**
 * The regions' refusals that show up when a request meets a transition half-way: the route table of
 * the global endpoint follows the state by pub/sub while the regions get their modes by a push from the
 * job (and their own poll), so for a few milliseconds a request can reach a region whose mode is already
 * (entering a window) or still (leaving one) not the one the route assumed. Tolerated only right next to
 * a window (counted and printed); anywhere else they fail the test.
 */
const BOUNDARY =
  /is a standby secondary|lost its write lease|does not accept writes|was routed under epoch|is offline/;
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'REQUEST_SEND_ERROR']);
const READ_ONLY_SET = 'Operation "SecretSet" is unavailable: the service is currently in a read-only state.';
/** Pause between two requests of a load loop. VAULTOVER_LOAD_PAUSE_MS=0 hammers the edges of the windows. */
const LOAD_PAUSE_MS = Number(process.env.VAULTOVER_LOAD_PAUSE_MS ?? 20);
const SCOPE = 'https://vault.azure.net/.default';

let cwd: string;
let up: CliProcess | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-failover-sequence-'));
  await writeFile(join(cwd, 'vaultover.yaml'), `dataDir: ${join(cwd, 'state')}\n${CONFIG}`);
});

afterAll(async () => {
  if (up && up.child.exitCode === null && up.child.signalCode === null) {
    up.child.kill('SIGINT');
    const stopped = await Promise.race([up.exited.then(() => true), pause(10_000, false)]);
    if (!stopped) up.child.kill('SIGKILL');
  }
  await rm(cwd, { recursive: true, force: true });
});

/** What one request of the load saw. */
type Outcome =
  | { kind: 'ok' }
  /** The primary is down but not yet judged so: the gateway's 503 naming the region it could not reach. */
  | { kind: 'upstream'; message: string }
  /**
   * The connection broken under the client with a request in flight: the primary dying, or the global
   * endpoint closing the connections routed under an older epoch as the state moves (a transition).
   */
  | { kind: 'cut'; message: string }
  /** A failover or failback window: 503 with Retry-After from the gateway. */
  | { kind: 'window'; message: string; retryAfter: string | undefined }
  /** The read-only refusal of the region serving failed over. */
  | { kind: 'read-only'; message: string; sdkMessage: string }
  /**
   * A region node's own refusal at the instant the state moves (a standby, fenced or other-epoch
   * region): the global endpoint's route and the region's mode change at slightly different moments
   * (see BOUNDARY below).
   */
  | { kind: 'boundary'; message: string }
  /** Anything else: an HTTP error, or a network error code. */
  | { kind: 'other'; status: number | undefined; code: string | undefined; message: string };

interface Observation {
  op: 'read' | 'write';
  sentAt: number;
  outcome: Outcome;
  /** The write's secret name and value. */
  name?: string;
  value?: string;
}

function classify(error: unknown): Outcome {
  if (!isRestError(error))
    return { kind: 'other', status: undefined, code: undefined, message: String(error) };
  // The SDK puts the service's `error.message` in `message`; the body is in `details` too.
  const details = error.details as { error?: { code?: string; message?: string } } | undefined;
  const message = details?.error?.message ?? error.message;
  const code = details?.error?.code ?? error.code;
  if (error.statusCode === 503 && code === 'ServiceUnavailable') {
    if (message === READ_ONLY_SET) return { kind: 'read-only', message, sdkMessage: error.message };
    if (
      /is failing (over|back)|failover window|failback window/i.test(message) ||
      /retry after \d+ second/.test(message)
    )
      return { kind: 'window', message, retryAfter: error.response?.headers.get('retry-after') };
    if (/did not answer the global endpoint/.test(message)) return { kind: 'upstream', message };
    if (BOUNDARY.test(message)) return { kind: 'boundary', message };
  }
  if (error.statusCode === undefined && NETWORK_ERRORS.has(String(error.code)))
    return { kind: 'cut', message: `connection error ${error.code}: ${error.message}` };
  return { kind: 'other', status: error.statusCode, code, message };
}

/** Runs `op` back to back (a short pause between) until `stop`, recording every outcome. */
async function loop(
  stop: AbortSignal,
  into: Observation[],
  op: (n: number) => Promise<void>,
  describeOp: (n: number) => Omit<Observation, 'sentAt' | 'outcome'>,
): Promise<void> {
  for (let n = 0; !stop.aborted; n++) {
    const sentAt = Date.now();
    let outcome: Outcome;
    try {
      await op(n);
      outcome = { kind: 'ok' };
    } catch (error) {
      outcome = classify(error);
    }
    into.push({ ...describeOp(n), sentAt, outcome });
    await pause(LOAD_PAUSE_MS);
  }
}

/** Boundary refusals that are not right next to a window's failures (expected: none). */
function strayBoundaries(observations: Observation[]): Observation[] {
  const isWindow = (o: Observation | undefined) => o?.outcome.kind === 'window';
  return observations.filter((o, i) => {
    if (o.outcome.kind !== 'boundary') return false;
    // The nearest non-boundary observation before or after it must be a window's failure.
    let before = i - 1;
    while (observations[before]?.outcome.kind === 'boundary') before--;
    let after = i + 1;
    while (observations[after]?.outcome.kind === 'boundary') after++;
    return !isWindow(observations[before]) && !isWindow(observations[after]);
  });
}

/**
 * Connections cut that are not at a failure phase's edge (expected: none). A cut comes with the crash
 * (next to `upstream` failures) or with a transition (next to a window's failures), never amid successes.
 */
function strayCuts(observations: Observation[]): Observation[] {
  const skipped = (o: Observation | undefined) => o?.outcome.kind === 'cut' || o?.outcome.kind === 'boundary';
  const failing = (o: Observation | undefined) =>
    o?.outcome.kind === 'window' || o?.outcome.kind === 'upstream';
  return observations.filter((o, i) => {
    if (o.outcome.kind !== 'cut') return false;
    let before = i - 1;
    while (skipped(observations[before])) before--;
    let after = i + 1;
    while (skipped(observations[after])) after++;
    return !failing(observations[before]) && !failing(observations[after]);
  });
}

/**
 * Consecutive observations of one kind, collapsed (boundary refusals and cut connections, which belong
 * to the edges of phases, left out): the phases a client went through.
 */
function phases(
  observations: Observation[],
): { kind: Outcome['kind']; count: number; from: number; to: number }[] {
  const result: { kind: Outcome['kind']; count: number; from: number; to: number }[] = [];
  for (const { outcome, sentAt } of observations) {
    if (outcome.kind === 'boundary' || outcome.kind === 'cut') continue;
    const last = result.at(-1);
    if (last && last.kind === outcome.kind) {
      last.count++;
      last.to = sentAt;
    } else {
      result.push({ kind: outcome.kind, count: 1, from: sentAt, to: sentAt });
    }
  }
  return result;
}

describe('a crash of the primary under load, as the SDK sees it through the global endpoint', () => {
  it('goes writes OK → failures → read-only → failures → all OK, within the configured timings', async () => {
    up = startCli(['up', '--config', 'vaultover.yaml'], cwd, { VAULTOVER_REDIS: deploymentRedisMode() });
    const line = await up.waitForLine('vaultover ready ', 30_000);
    const endpoints = JSON.parse(line.slice('vaultover ready '.length)) as Endpoints;
    const ca = await readFile(endpoints.caFile, 'utf8');
    const control = endpoints.control as string;
    const admin = new VaultoverCredential({ principal: 'admin', dataDir: endpoints.dataDir });
    const adminToken = async () => (await admin.getToken(SCOPE)).token;
    const api = async (method: 'GET' | 'POST', path: string) => {
      const response = await bearerCall(method, `${control}${path}`, ca, await adminToken());
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.body}`);
      return JSON.parse(response.body) as unknown;
    };
    const status = async () => (await api('GET', '/api/status')) as ControlStatus;
    const waitForState = (state: ControlStatus['state'], timeoutMs: number) =>
      pollUntil(`the vault is ${state}`, async () => (await status()).state === state, {
        timeoutMs,
        intervalMs: 50,
      });

    const client = new SecretClient(
      endpoints.gateway,
      new VaultoverCredential({ principal: 'officer', dataDir: endpoints.dataDir }),
      { disableChallengeResourceVerification: true, tlsOptions: { ca }, retryOptions: { maxRetries: 0 } },
    );
    await client.setSecret('seeded', 'seed-value');
    expect(await status()).toMatchObject({ state: 'normal', serving: 'westeurope', epoch: 1 });

    const reads: Observation[] = [];
    const writes: Observation[] = [];
    const stop = new AbortController();
    const loads = Promise.all([
      loop(
        stop.signal,
        reads,
        async () => {
          const secret = await client.getSecret('seeded');
          if (secret.value !== 'seed-value') throw new Error(`read ${secret.value}, not seed-value`);
        },
        () => ({ op: 'read' }),
      ),
      loop(
        stop.signal,
        writes,
        async (n) => {
          await client.setSecret(`load-${n}`, `value-${n}`);
        },
        (n) => ({ op: 'write', name: `load-${n}`, value: `value-${n}` }),
      ),
    ]);
    try {
      await pollUntil(
        'the load has written and read a few times',
        () => reads.length >= 10 && writes.filter((o) => o.outcome.kind === 'ok').length >= 10,
      );

      // Crash the primary; the vault fails over; a moment read-only.
      const primary = endpoints.regions.westeurope as Endpoints['regions'][string];
      const crashedAt = Date.now();
      expect(await api('POST', '/api/regions/westeurope/crash')).toEqual({
        region: 'westeurope',
        fault: 'crash',
      });
      await pollUntil(`the primary (pid ${primary.pid}) is gone`, () => !isProcessAlive(primary.pid), {
        timeoutMs: 5000,
      });
      await waitForState('failed-over', DETECTION_BOUND_MS + FAILOVER.failoverWindowMs + 5000);
      const failedOverAt = Date.now();
      await pollUntil(
        'reads succeed and writes are refused read-only after the failover',
        () =>
          reads.some((o) => o.sentAt > failedOverAt && o.outcome.kind === 'ok') &&
          writes.filter((o) => o.sentAt > failedOverAt && o.outcome.kind === 'read-only').length >= 5,
      );

      // Restart it: the vault fails back by itself, then all is OK again for a moment.
      expect(await api('POST', '/api/regions/westeurope/restart')).toMatchObject({ region: 'westeurope' });
      await waitForState('failing-back', 10_000);
      await waitForState('normal', FAILOVER.failbackWindowMs + 5000);
      const normalAt = Date.now();
      await pollUntil(
        'reads and writes succeed again after the failback',
        () =>
          reads.filter((o) => o.sentAt > normalAt && o.outcome.kind === 'ok').length >= 5 &&
          writes.filter((o) => o.sentAt > normalAt && o.outcome.kind === 'ok').length >= 10,
      );
      stop.abort();
      await loads;

      // The phases, as the client saw them.
      const writePhases = phases(writes);
      const readPhases = phases(reads);
      const summary = JSON.stringify({ writePhases, readPhases }, null, 1);
      const others = [...reads, ...writes].filter((o) => o.outcome.kind === 'other');
      expect(
        others.map((o) => ({ op: o.op, at: o.sentAt - crashedAt, outcome: o.outcome })),
        summary,
      ).toEqual([]);
      const boundaries = [...reads, ...writes].filter((o) => o.outcome.kind === 'boundary');
      expect([...strayBoundaries(reads), ...strayBoundaries(writes)], summary).toEqual([]);
      expect([...strayCuts(reads), ...strayCuts(writes)], summary).toEqual([]);
      // Writes: OK; then failures, first upstream errors (the crash is seen at once, the verdict takes
      // a few probes) then the failover window; read-only refusals; the failback window; OK.
      const writeKinds = writePhases.map((p) => p.kind);
      expect(writeKinds, summary).toEqual(['ok', 'upstream', 'window', 'read-only', 'window', 'ok']);
      // Reads: OK; the same failures; OK while failed over; the failback window; OK.
      const readKinds = readPhases.map((p) => p.kind);
      expect(readKinds, summary).toEqual(['ok', 'upstream', 'window', 'ok', 'window', 'ok']);
      for (const { outcome } of [...reads, ...writes]) {
        if (outcome.kind === 'window') {
          expect(outcome.retryAfter, outcome.message).toMatch(/^[1-9]\d*$/);
          expect(outcome.message).toMatch(/fail(ing)? (over|back)/i);
        }
        if (outcome.kind === 'upstream') expect(outcome.message).toMatch(/westeurope/);
        // The SDK's own error message is the service's, word for word (not only its details).
        if (outcome.kind === 'read-only') expect(outcome.sdkMessage).toBe(READ_ONLY_SET);
      }
      const windowMessages = [...reads, ...writes].flatMap((o) =>
        o.outcome.kind === 'window' ? [o.outcome.message] : [],
      );
      expect(windowMessages.some((m) => /over/i.test(m) && /northeurope/.test(m))).toBe(true);
      expect(windowMessages.some((m) => /back/i.test(m))).toBe(true);

      // The read outage: first failure → first success after it, against the configured timings.
      const firstReadFailure = readPhases[1] as (typeof readPhases)[number];
      const readsBack = readPhases[3] as (typeof readPhases)[number];
      const outageMs = readsBack.from - firstReadFailure.from;
      expect(outageMs, summary).toBeGreaterThanOrEqual(FAILOVER.failoverWindowMs * 0.9);
      expect(outageMs, summary).toBeLessThanOrEqual(
        DETECTION_BOUND_MS + FAILOVER.failoverWindowMs + FAILOVER.leaseMs + 3000,
      );
      // The first failure follows the crash closely (the primary dies at once).
      expect(firstReadFailure.from - crashedAt, summary).toBeLessThan(1000);
      // The failback window, seen by the reads: about failbackWindowMs of failures.
      const failbackWindow = readPhases[readKinds.length - 2] as (typeof readPhases)[number];
      const failbackOutageMs = (readPhases.at(-1)?.from ?? 0) - failbackWindow.from;
      expect(failbackOutageMs, summary).toBeGreaterThanOrEqual(FAILOVER.failbackWindowMs * 0.9);
      expect(failbackOutageMs, summary).toBeLessThanOrEqual(FAILOVER.failbackWindowMs + 3000);

      // One failover cycle in the events, each transition one epoch further.
      const { value: events } = (await api('GET', '/api/events?limit=1000')) as { value: ControlEvent[] };
      const transitions = events
        .filter((e) => e.kind === 'transition' && e.details.from !== undefined)
        .map((e) => ({ from: e.details.from, to: e.details.to, epoch: e.details.epoch }));
      expect(transitions).toEqual([
        { from: 'normal', to: 'failing-over', epoch: 2 },
        { from: 'failing-over', to: 'failed-over', epoch: 3 },
        { from: 'failed-over', to: 'failing-back', epoch: 4 },
        { from: 'failing-back', to: 'normal', epoch: 5 },
      ]);
      expect(await status()).toMatchObject({ state: 'normal', serving: 'westeurope', epoch: 5 });

      // After failback: the regions hold the same data, and every acknowledged write is there.
      const replicationStatus = async (url: string) => {
        const response = await bearerCall('GET', `${url}/replication/status`, ca, await adminToken());
        expect(response.status, response.body).toBe(200);
        return JSON.parse(response.body) as { digests: Record<string, string>; lagEntries: number | null };
      };
      const urls = Object.values(endpoints.regions).map((r) => r.url);
      await eventually(async () => {
        const [west, north] = await Promise.all(urls.map(replicationStatus));
        expect(Object.keys(west?.digests ?? {})).toContain('vaultover');
        expect(north?.digests).toEqual(west?.digests);
      });
      const acknowledged = writes.filter((o) => o.outcome.kind === 'ok');
      expect(acknowledged.length).toBeGreaterThanOrEqual(20);
      const mismatches: string[] = [];
      for (const write of acknowledged) {
        const secret = await client.getSecret(write.name as string);
        if (secret.value !== write.value) mismatches.push(`${write.name}=${secret.value}`);
      }
      expect(mismatches).toEqual([]);
      console.log(
        `failover sequence: ${reads.length} reads, ${writes.length} writes (${acknowledged.length} acknowledged); ` +
          `read outage ${outageMs} ms (bound ${DETECTION_BOUND_MS} + ${FAILOVER.failoverWindowMs} ms), ` +
          `failback outage ${failbackOutageMs} ms; ${boundaries.length} refusal(s) at a transition's edge` +
          boundaries
            .map(
              (o) =>
                `\n  ${o.op} at +${o.sentAt - crashedAt} ms: ${o.outcome.kind === 'boundary' ? o.outcome.message : ''}`,
            )
            .join(''),
      );
    } finally {
      stop.abort();
      await loads;
    }

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
  }, 60_000);
});
