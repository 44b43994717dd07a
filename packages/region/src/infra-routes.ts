import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, Authorizer } from '@vaultover/auth';
import { type HealthFault, REGION_ADMIN_PATHS, type RegionHealth } from '@vaultover/contract';
import { withDeadline } from '@vaultover/foundation';
import type { RedisClient } from '@vaultover/foundation/redis';
import {
  BadParameterError,
  ForbiddenError,
  MAX_CLOCK_TIME_MS,
  type PurgeScheduler,
  type SimulatedClock,
} from '@vaultover/vault';
import type { ControlLink } from './control-link/control-link.ts';
import type { InfraRoute } from './http/app.ts';
import { readJsonBody } from './http/json-body.ts';
import { sendJson } from './http/send-json.ts';
import { modeAdminRoutes } from './mode/mode-admin-routes.ts';
import type { ModeGate } from './mode/mode-gate.ts';
import type { RegionMetrics } from './region-metrics.ts';
import { type NodeReplication, type ReplicationSummary, summaryOf } from './replication/node-replication.ts';

export interface InfraDeps {
  region: string;
  role: 'primary' | 'secondary';
  redis: RedisClient;
  clock: SimulatedClock;
  scheduler: PurgeScheduler | undefined;
  metrics: RegionMetrics;
  authenticator: Authenticator;
  authorizer: Authorizer;
  replication: NodeReplication;
  gate: ModeGate;
  /** A primary's replication mode (`sync`: it acknowledges only what the secondaries applied); null on a secondary. */
  replicationMode: 'async' | 'sync' | null;
  /** The link to the control Redis (fencing), when the node runs under a control process. */
  controlLink?: ControlLink | undefined;
}

/** A health failure injected through `POST /admin/health` (chaos: the node serves, its /health fails). */
interface InjectedHealth {
  failing: boolean;
}

const HEALTH_TIMEOUT_MS = 1000;

/** `/health`, `/metrics`, `/replication/status` and the admin controls (time, mode). */
export function infraRoutes(deps: InfraDeps): InfraRoute[] {
  const injected: InjectedHealth = { failing: false };
  return [
    { method: 'GET', path: '/health', handle: (_req, res) => health(deps, injected, res) },
    {
      method: 'POST',
      path: REGION_ADMIN_PATHS.health,
      handle: async (req, res) => {
        await requireAdministrator(deps, req);
        const body = (await readJsonBody(req)) as Partial<Record<keyof HealthFault, unknown>> | undefined;
        if (typeof body?.fail !== 'boolean') {
          throw new BadParameterError(
            'Give {"fail": true} to make /health fail, {"fail": false} to restore it.',
          );
        }
        injected.failing = body.fail;
        sendJson(res, 200, { failing: injected.failing });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        const text = await deps.metrics.registry.metrics();
        res
          .writeHead(200, {
            'content-type': deps.metrics.registry.contentType,
            'content-length': Buffer.byteLength(text),
          })
          .end(text);
      },
    },
    {
      method: 'GET',
      path: '/replication/status',
      handle: async (req, res) => {
        // Admin only: digests and positions describe every vault of the region.
        await requireAdministrator(deps, req);
        sendJson(res, 200, await deps.replication.status({ digests: true }));
      },
    },
    {
      method: 'GET',
      path: '/admin/time',
      handle: async (req, res) => {
        await requireAdministrator(deps, req);
        sendJson(res, 200, timeOf(deps.clock));
      },
    },
    {
      method: 'POST',
      path: '/admin/time/shift',
      handle: async (req, res) => {
        await requireAdministrator(deps, req);
        const body = (await readJsonBody(req)) as { seconds?: unknown; days?: unknown } | undefined;
        const seconds = Number(body?.seconds ?? 0) + Number(body?.days ?? 0) * 86_400;
        if (!Number.isFinite(seconds) || seconds <= 0) {
          throw new BadParameterError(
            'Give a positive number of "seconds" or "days" to move the clock forward by.',
          );
        }
        if (deps.clock.now() + seconds * 1000 > MAX_CLOCK_TIME_MS) {
          throw new BadParameterError(
            `A shift of ${seconds} seconds would move the clock past ${new Date(MAX_CLOCK_TIME_MS).toISOString()}.`,
          );
        }
        deps.clock.shift(seconds * 1000);
        const rescheduled = (await deps.scheduler?.reschedule()) ?? 0;
        sendJson(res, 200, { ...timeOf(deps.clock), rescheduledPurges: rescheduled });
      },
    },
    ...modeAdminRoutes({
      gate: deps.gate,
      requireAdministrator: (req) => requireAdministrator(deps, req),
      // A pushed change (a failback's new writer) takes the lease now, not at the next renewal.
      afterChange: () => deps.controlLink?.renewNow(),
    }),
  ];
}

/**
 * `/health`: 200 with `status: "ok"` when the node can serve: its Redis answers, it has not lost the write
 * lease it is supposed to hold (a writer cut off from the control store is no use as a primary), and no
 * failure was injected. 503 with `status: "unhealthy"` and the reasons otherwise.
 */
async function health(deps: InfraDeps, injected: InjectedHealth, res: ServerResponse): Promise<void> {
  const started = performance.now();
  let reachable = true;
  try {
    await withDeadline(deps.redis.ping(), HEALTH_TIMEOUT_MS, timedOut);
  } catch {
    reachable = false;
    deps.metrics.redisErrors.inc();
  }
  const latencyMs = reachable ? Math.round((performance.now() - started) * 100) / 100 : null;
  const problems = [
    ...(reachable ? [] : ['its Redis does not answer']),
    ...(deps.controlLink?.leaseLost ? ['it lost its write lease (the control store is unreachable)'] : []),
    ...(injected.failing ? ['a health failure was injected (POST /admin/health)'] : []),
  ];
  const body: RegionHealth = {
    status: problems.length === 0 ? 'ok' : 'unhealthy',
    problems,
    region: deps.region,
    role: deps.role,
    mode: deps.gate.state.mode,
    epoch: deps.gate.state.epoch,
    redis: { reachable, latencyMs },
    control: deps.controlLink?.status() ?? null,
    replication: reachable ? await replicationSummary(deps) : null,
  };
  sendJson(res, problems.length === 0 ? 200 : 503, body);
}

/** The replication summary of `/health`; null when it cannot be had in time (health must answer). */
async function replicationSummary(
  deps: InfraDeps,
): Promise<(ReplicationSummary & { mode: InfraDeps['replicationMode'] }) | null> {
  try {
    const status = await withDeadline(
      deps.replication.status({ digests: false }),
      HEALTH_TIMEOUT_MS,
      timedOut,
    );
    return { ...summaryOf(status), mode: deps.replicationMode };
  } catch {
    return null; // no status in time: /health says replication is unknown rather than failing itself
  }
}

function timeOf(clock: SimulatedClock) {
  const now = clock.now();
  return {
    now: new Date(now).toISOString(),
    offsetSeconds: Math.round(clock.offsetMs / 1000),
    timeScale: clock.timeScale,
  };
}

async function requireAdministrator(deps: InfraDeps, req: IncomingMessage): Promise<void> {
  const principal = await deps.authenticator.authenticate(req.headers.authorization);
  if (!deps.authorizer.isAdministrator(principal)) {
    throw new ForbiddenError(
      `Principal ${principal} is not a Key Vault Administrator; admin controls need one.`,
    );
  }
}

function timedOut(): never {
  throw new Error(`no answer in ${HEALTH_TIMEOUT_MS} ms`);
}
