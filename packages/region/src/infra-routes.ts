import {
  BadParameterError,
  ForbiddenError,
  MAX_CLOCK_TIME_MS,
  type PurgeScheduler,
  type SimulatedClock,
} from '@vaultover/vault';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Authorizer } from './access/authorizer.ts';
import type { Authenticator, InfraRoute } from './http/app.ts';
import { readJsonBody } from './http/json-body.ts';
import type { RegionMetrics } from './region-metrics.ts';
import { type NodeReplication, type ReplicationSummary, summaryOf } from './replication/node-replication.ts';

export interface InfraDeps {
  region: string;
  role: 'primary' | 'secondary';
  redis: Redis;
  clock: SimulatedClock;
  scheduler: PurgeScheduler | undefined;
  metrics: RegionMetrics;
  authenticator: Authenticator;
  authorizer: Authorizer;
  replication: NodeReplication;
}

const HEALTH_TIMEOUT_MS = 1000;

/** `/health`, `/metrics`, `/replication/status` and the admin controls (time). */
export function infraRoutes(deps: InfraDeps): InfraRoute[] {
  return [
    { method: 'GET', path: '/health', handle: (_req, res) => health(deps, res) },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
      },
    },
    {
      method: 'GET',
      path: '/replication/status',
      handle: async (req, res) => {
        // Admin only: digests and positions describe every vault of the region.
        await requireAdministrator(deps, req);
        res.json(await deps.replication.status({ digests: true }));
      },
    },
    {
      method: 'GET',
      path: '/admin/time',
      handle: async (req, res) => {
        await requireAdministrator(deps, req);
        res.json(timeOf(deps.clock));
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
        res.json({ ...timeOf(deps.clock), rescheduledPurges: rescheduled });
      },
    },
  ];
}

async function health(deps: InfraDeps, res: Response): Promise<void> {
  const started = performance.now();
  let reachable = true;
  try {
    await withTimeout(deps.redis.ping(), HEALTH_TIMEOUT_MS);
  } catch {
    reachable = false;
    deps.metrics.redisErrors.inc();
  }
  const latencyMs = reachable ? Math.round((performance.now() - started) * 100) / 100 : null;
  res.status(reachable ? 200 : 503).json({
    status: reachable ? 'ok' : 'unhealthy',
    region: deps.region,
    role: deps.role,
    mode: deps.role === 'primary' ? 'read-write' : 'standby',
    redis: { reachable, latencyMs },
    replication: reachable ? await replicationSummary(deps) : null,
  });
}

/** The replication summary of `/health`; null when it cannot be had in time (health must answer). */
async function replicationSummary(deps: InfraDeps): Promise<ReplicationSummary | null> {
  try {
    return summaryOf(await withTimeout(deps.replication.status({ digests: false }), HEALTH_TIMEOUT_MS));
  } catch {
    return null;
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

async function requireAdministrator(deps: InfraDeps, req: Request): Promise<void> {
  const principal = await deps.authenticator.authenticate(req.headers.authorization);
  if (!deps.authorizer.isAdministrator(principal)) {
    throw new ForbiddenError(
      `Principal ${principal} is not a Key Vault Administrator; admin controls need one.`,
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
