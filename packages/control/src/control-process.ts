import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  Authorizer,
  DEFAULT_TENANT_ID,
  ensureSigningKey,
  TokenAuthenticator,
  TokenVerifier,
  VaultoverCredential,
} from '@vaultover/auth';
import { CONTROL_KEYS } from '@vaultover/contract';
import { StopStack, systemClock } from '@vaultover/foundation';
import { capConnections, DEFAULT_SERVER_LIMITS, limitedHttpsServer } from '@vaultover/foundation/http';
import { withLogSerializers } from '@vaultover/foundation/logging';
import { createServerRedisClient } from '@vaultover/foundation/redis';
import { ensureTlsMaterial, serviceOrigin } from '@vaultover/tls';
import { pino } from 'pino';
import { controlApi } from './api/control-api.ts';
import { StatusReporter } from './api/status-report.ts';
import { ControlMetrics } from './control-metrics.ts';
import type { ControlOptions, ControlRegion } from './control-options.ts';
import { EventLog } from './events/event-log.ts';
import type { FailoverState } from './failover/failover-state.ts';
import { FailoverStore } from './failover/failover-store.ts';
import { FaultRules } from './faults/fault-rules.ts';
import { startGateway } from './gateway/gateway.ts';
import { HealthMonitor } from './monitor/health-monitor.ts';
import { httpsProbe } from './monitor/health-probe.ts';
import { closeNow, listen } from './net/listen.ts';
import { FAILOVER_DEFAULTS } from './orchestrator/failover-settings.ts';
import { Orchestrator } from './orchestrator/orchestrator.ts';
import type { PositionsSource } from './orchestrator/rpo.ts';
import { StorePositions } from './orchestrator/store-positions.ts';
import { TransitionQueue } from './orchestrator/transition-queue.ts';
import { Transitions } from './orchestrator/transitions.ts';
import { pushModes } from './regions/push-modes.ts';
import { httpsRegionAdmin } from './regions/region-admin.ts';
import { RouteTable } from './routing/route-table.ts';
import { createStatusPage } from './status-page/status-page.ts';

/** How often the failover state is re-read even without a change notice. */
const STATE_REFRESH_MS = 1000;

/** How often fault rules are checked for expiry (their `times` reached, their `durationMs` over). */
export const FAULT_EXPIRY_CHECK_MS = 500;

/** A running control process. */
export interface ControlProcess {
  /** The global endpoint: clients send every vault request here. */
  readonly gatewayUrl: string;
  /** The control API (and /metrics). */
  readonly url: string;
  readonly routes: RouteTable;
  close(): Promise<void>;
}

/**
 * Starts the control side: the failover state (created as `normal` on first start), the health monitor,
 * the orchestrator and its transition worker, the global endpoint and the control API.
 */
export async function startControl(options: ControlOptions): Promise<ControlProcess> {
  const opened = new StopStack();
  try {
    return await start(options, opened);
  } catch (error) {
    // Whatever started before the failing step stops again, so a failed start leaves nothing running.
    await opened.stopAll();
    throw error;
  }
}

async function start(options: ControlOptions, opened: StopStack): Promise<ControlProcess> {
  const logger = withLogSerializers(options.logger ?? pino({ name: 'control' }));
  const clock = options.clock ?? systemClock;
  const settings = { ...FAILOVER_DEFAULTS, ...options.failover };
  const { primary, secondary } = pairOf(options.regions);
  const urls = new Map(options.regions.map((region) => [region.name, region.url]));
  const tls = await ensureTlsMaterial({ dir: join(options.dataDir, 'tls'), hostnames: options.hostnames });
  const ca = await readFile(tls.caFile);

  // One server: the failover scripts span the state, the lease and the events, keys of no common slot.
  const redis = createServerRedisClient(options.controlRedisUrl, 'the control Redis', {
    maxRetriesPerRequest: 2,
  });
  const subscriber = createServerRedisClient(options.controlRedisUrl, 'the control Redis', {
    maxRetriesPerRequest: null,
  });
  // Both reconnect on their own; a command that cannot be sent fails where it is awaited.
  redis.on('error', () => {});
  subscriber.on('error', () => {});
  opened.push('control Redis clients', async () => {
    subscriber.disconnect();
    redis.disconnect();
  });
  const store = new FailoverStore(redis, { logger });
  const events = new EventLog(redis, clock);
  const metrics = new ControlMetrics();
  const initial: FailoverState = {
    state: 'normal',
    epoch: 1,
    primary: primary.name,
    secondary: secondary.name,
    since: clock.now(),
    lastFailover: null,
  };
  const routes = new RouteTable({ urls, clock, failureMode: settings.failureMode });
  const showState = (state: FailoverState | undefined) => {
    if (!state) return;
    routes.update(state);
    // The route table's state: a late read of an older epoch moves neither the routes nor the gauges.
    metrics.showState(routes.state ?? state);
  };
  const current = await store.ensure(initial);
  showState(current);
  const credential = new VaultoverCredential({
    dataDir: options.dataDir,
    principal: options.adminPrincipal ?? 'admin',
  });
  const admin = httpsRegionAdmin({ ca, credential });
  // The regions learn the state without waiting for their next poll, so that the deployment serves
  // as soon as this process says it is ready.
  await pushModes(admin, urls, current, logger);

  const monitor = new HealthMonitor({
    regions: options.regions,
    probe: httpsProbe(ca),
    clock,
    settings: options.monitor,
  });
  const stores = new StorePositions(
    new Map(options.regions.flatMap(({ name, storeUrl }) => (storeUrl ? [[name, storeUrl]] : []))),
  );
  const positions: PositionsSource = {
    latest: async (region) => monitor.view(region)?.lastGood ?? undefined,
    stored: (region) => stores.position(region),
  };
  const transitions = new Transitions({
    store,
    events,
    clock,
    settings,
    positions,
    monitor,
    admin,
    urls,
    logger,
  });
  // Counted by the control process whose move promoted the secondary (each failover promotes once).
  store.on('promoted', ({ record }) => {
    metrics.failovers.inc();
    if (record.servingAt !== null)
      metrics.failoverDuration.observe((record.servingAt - record.startedAt) / 1000);
  });
  const queue = new TransitionQueue({
    connection: { url: options.controlRedisUrl },
    redis,
    transitions,
    logger,
  });
  opened.push('transition queue', () => queue.close());
  const orchestrator = new Orchestrator({ store, events, monitor, queue, clock, settings, logger });

  // Every control process sees every transition, its own or another's, within one pub/sub message.
  await subscriber.subscribe(CONTROL_KEYS.changes);
  // A failed read keeps routing by the last state read until the next message or interval; the
  // decider below reads the same state every probe interval and logs why it cannot.
  const refresh = async () => showState(await store.load().catch(() => undefined));
  subscriber.on('message', () => void refresh());
  // A lost pub/sub message (the subscriber reconnecting) must not leave the route table behind for long.
  const refresher = clock.setInterval(() => void refresh(), STATE_REFRESH_MS);
  opened.push('state refresher', async () => refresher.cancel());

  monitor.on('probe', (region: string, result: { ok: boolean }) => {
    metrics.healthChecks.inc({ region, result: result.ok ? 'ok' : 'fail' });
    metrics.regionUp.set({ region }, monitor.view(region)?.healthy ? 1 : 0);
  });
  monitor.on('flip', (region: string, healthy: boolean) => {
    metrics.regionUp.set({ region }, healthy ? 1 : 0);
    orchestrator.noteFlip(region, healthy);
    const view = monitor.view(region);
    void events
      .append('probe', { region, healthy, reason: view?.lastProbe?.reason ?? null })
      .then(() => orchestrator.decide())
      .catch((error) => logger.warn({ err: error }, 'could not act on a health flip'));
  });
  // Flips decide at once; this also re-decides when nothing flips (the flapping guard running out).
  const decider = clock.setInterval(
    () => void orchestrator.decide().catch((error) => logger.warn({ err: error }, 'decision failed')),
    monitor.settings.probeIntervalMs,
  );
  opened.push('decider', async () => decider.cancel());
  for (const region of options.regions) metrics.regionUp.set({ region: region.name }, 1);
  monitor.start();
  opened.push('health monitor', () => monitor.stop());

  const gateway = await startGateway({
    dataDir: options.dataDir,
    hostnames: options.hostnames,
    routeSource: routes,
    registry: metrics.registry,
    logger,
    host: options.host,
    port: options.gatewayPort,
    limits: options.limits,
  });
  opened.push('global endpoint', () => gateway.close());

  const authorizer = new Authorizer(options.principals);
  const faults = new FaultRules({
    redis,
    events,
    clock,
    context: () => ({ regions: [...urls.keys()], principals: authorizer.names() }),
  });
  // Every control process checks; the check records each expiry once across all of them.
  const expiries = clock.setInterval(
    () =>
      void faults
        .recordExpiries()
        .catch((error) => logger.warn({ err: error }, 'could not check the fault rules for expiry')),
    FAULT_EXPIRY_CHECK_MS,
  );
  opened.push('fault rule expiry check', async () => expiries.cancel());
  const signingKey = await ensureSigningKey(options.dataDir);
  const authenticator = new TokenAuthenticator(
    new TokenVerifier({ signingKey, knownPrincipals: () => authorizer.names() }),
    options.tenantId ?? DEFAULT_TENANT_ID,
  );
  const status = new StatusReporter(store, monitor, options.regions);
  const browser = createStatusPage({
    regions: options.regions,
    status,
    faults,
    monitor,
    events,
    ca,
    clock,
    logger,
  });
  const app = controlApi({
    auth: {
      authenticate: (authorization) => authenticator.authenticate(authorization),
      isAdministrator: (principal) => authorizer.isAdministrator(principal),
      challenge: authenticator.challenge,
    },
    status,
    events,
    store,
    orchestrator,
    admin,
    faults,
    links: [gateway.link],
    urls,
    processes: options.processes,
    registry: metrics.registry,
    logger,
    browser,
  });
  const { server, cap } = limitedHttpsServer({ key: tls.keyPem, cert: tls.certPem }, app, {
    limits: { ...DEFAULT_SERVER_LIMITS, ...options.limits },
    who: 'The control API',
  });
  capConnections(server, cap);
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.apiPort ?? 0, host);
  opened.push('control API', () => closeNow(server));
  // Before the server closes: its open event streams end rather than being cut.
  opened.push('status page event streams', async () => browser.close());
  const port = (server.address() as AddressInfo).port;
  const url = serviceOrigin(host, port);
  logger.info({ gateway: gateway.url, control: url }, 'control process ready');

  return {
    gatewayUrl: gateway.url,
    url,
    routes,
    async close() {
      const failures = await opened.stopAll();
      for (const { name, error } of failures) logger.warn({ err: error }, `could not stop the ${name}`);
    },
  };
}

function pairOf(regions: readonly ControlRegion[]): { primary: ControlRegion; secondary: ControlRegion } {
  const primary = regions.find((region) => region.role === 'primary');
  const secondary = regions.find((region) => region.role === 'secondary');
  if (!primary || !secondary || regions.length !== 2) {
    throw new Error(
      'the control process fails over one pair: give exactly one primary and one secondary region',
    );
  }
  return { primary, secondary };
}
