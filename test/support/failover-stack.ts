import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretClient } from '@azure/keyvault-secrets';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { type ControlProcess, type ControlStatus, startControl } from '@vaultover/control';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { type RegionNode, type RegionNodeOptions, startRegionNode } from '@vaultover/region';
import { eventually, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { VaultSpec } from '@vaultover/vault';
import { type Logger, pino } from 'pino';
import { rawRequest, secretClient } from './clients.ts';
import { DEFAULT_VAULT, type TestRegion } from './region.ts';

export const PRIMARY = 'westeurope';
export const SECONDARY = 'northeurope';

/** Short timings, so that a failover and a failback each take a second or two. */
export const STACK_TIMINGS = {
  monitor: { probeIntervalMs: 200, probeTimeoutMs: 400, failureThreshold: 2, recoveryThreshold: 3 },
  failover: {
    failoverWindowMs: 1000,
    failbackWindowMs: 1000,
    minFailedOverMs: 500,
    autoFailback: true,
    failureMode: 'status' as const,
    leaseMs: 600,
  },
};

export interface FailoverStackOptions {
  /** Replication mode of the primary. Default `async`. */
  replicationMode?: 'async' | 'sync';
  /** Sync mode: how long a write waits for the secondary. Default 500. */
  syncTimeoutMs?: number;
  /** Over STACK_TIMINGS.failover (e.g. `autoFailback: false`). */
  failover?: Partial<(typeof STACK_TIMINGS)['failover']>;
  /** The vaults of both nodes. Default the default vault, with the default retention. */
  vaults?: VaultSpec[];
  logger?: Logger;
}

/**
 * A whole failover deployment in-process: a primary and a secondary region node on their own Redis, a
 * control Redis, and the control process (health monitor, orchestrator, global endpoint, control API).
 * Both nodes and the control process share one data directory (one CA, one token signing key: a token
 * works at every node, the gateway and the control API) and one master key.
 *
 * Two link proxies carry the faults: `replicationLink` between the secondary's replicator and the
 * primary's Redis, and `controlLink` between the PRIMARY node and the control Redis (its lease renewals
 * and mode reads). The secondary and the control process reach the control Redis directly.
 *
 * `primary`, `secondary`, `gateway` and `control` are TestRegion-shaped, so the helpers of clients.ts
 * (secretClient, rawRequest, credentialFor) work on each; SDK clients have retries off.
 */
export interface FailoverStack {
  readonly primary: TestRegion;
  readonly secondary: TestRegion;
  /** The global endpoint, as a TestRegion (url/port are the gateway's). */
  readonly gateway: TestRegion;
  /** The control API, as a TestRegion for rawRequest (url/port are the control API's). */
  readonly control: TestRegion;
  readonly controlProcess: ControlProcess;
  readonly replicationLink: LinkProxy;
  readonly controlLink: LinkProxy;
  readonly redis: { primary: TestRedis; secondary: TestRedis; control: TestRedis };
  /** A SecretClient of `principal` (default `officer`) at the global endpoint. */
  gatewayClient(principal?: string): SecretClient;
  /** `GET /api/status` with an admin token. */
  status(): Promise<ControlStatus>;
  /** `GET /api/events` (oldest first). */
  events(): Promise<{ id: string; time: string; kind: string; details: Record<string, unknown> }[]>;
  /** `POST /api/<path>` with an admin token: status and JSON body. */
  controlPost(path: string): Promise<{ status: number; json: unknown }>;
  /** The primary's node as it runs now (replaced by restartPrimary). */
  primaryNode(): RegionNode;
  /** Writes the fault-rule hits both nodes counted alone now (GET /api/faults shows them a few ms later). */
  flushFaultHits(): Promise<void>;
  /** Stops the primary's node (its Redis stays up): what the monitor sees of a crash. */
  stopPrimary(): Promise<void>;
  /** Starts the primary's node again: same port, Redis, data directory and options. */
  restartPrimary(): Promise<void>;
  close(): Promise<void>;
}

/**
 * External-mode Redis databases: primary 7, secondary 10 (as region-pair.ts), control 6 (as
 * control-link). Files on this fixture share these names and the `vo:control:*` keys, so under
 * VAULTOVER_REDIS=external they must not run alongside each other (embedded, the default, gives every
 * file servers of its own).
 */
export async function startFailoverStack(options: FailoverStackOptions = {}): Promise<FailoverStack> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const masterKey = randomBytes(32).toString('base64');
  const dataDir = await mkdtemp(join(tmpdir(), 'vaultover-failover-'));
  const cleanups: (() => Promise<void>)[] = [async () => rm(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    const started = await Promise.allSettled([
      startTestRedis(PRIMARY, { externalDb: 7, store: true }),
      startTestRedis(SECONDARY, { externalDb: 10, store: true }),
      startTestRedis('control', { externalDb: 6 }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') cleanups.push(() => result.value.stop());
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [primaryRedis, secondaryRedis, controlRedis] = started.map(
      (result) => (result as PromiseFulfilledResult<TestRedis>).value,
    ) as [TestRedis, TestRedis, TestRedis];
    const replicationLink = await proxyTo(primaryRedis.url, `${PRIMARY}-redis`);
    cleanups.push(() => replicationLink.close());
    const controlLink = await proxyTo(controlRedis.url, `${PRIMARY}-control`);
    cleanups.push(() => controlLink.close());

    const leaseMs = { ...STACK_TIMINGS.failover, ...options.failover }.leaseMs;
    const common = {
      dataDir,
      masterKey,
      vaults: options.vaults ?? [{ name: DEFAULT_VAULT }],
      defaultVault: DEFAULT_VAULT,
      principals: DEFAULT_PRINCIPALS,
    };
    const primaryOptions: RegionNodeOptions = {
      ...common,
      region: PRIMARY,
      role: 'primary',
      redisUrl: primaryRedis.url,
      logger: logger.child({ region: PRIMARY }),
      control: { redisUrl: controlLink.url, leaseMs },
      replication: {
        secondaries: [SECONDARY],
        mode: options.replicationMode ?? 'async',
        syncTimeoutMs: options.syncTimeoutMs ?? 500,
      },
    };
    let primaryNode = await startRegionNode(primaryOptions);
    let primaryClosed = false;
    cleanups.push(async () => {
      if (!primaryClosed) await primaryNode.close();
    });
    primaryOptions.port = primaryNode.port;
    const secondaryNode = await startRegionNode({
      ...common,
      region: SECONDARY,
      role: 'secondary',
      redisUrl: secondaryRedis.url,
      logger: logger.child({ region: SECONDARY }),
      control: { redisUrl: controlRedis.url, leaseMs },
      replication: { primaryRedisUrl: replicationLink.url },
    });
    cleanups.push(() => secondaryNode.close());

    const controlProcess = await startControl({
      controlRedisUrl: controlRedis.url,
      regions: [
        { name: PRIMARY, role: 'primary', url: primaryNode.url, storeUrl: primaryRedis.url },
        { name: SECONDARY, role: 'secondary', url: secondaryNode.url, storeUrl: secondaryRedis.url },
      ],
      dataDir,
      principals: DEFAULT_PRINCIPALS,
      monitor: STACK_TIMINGS.monitor,
      failover: { ...STACK_TIMINGS.failover, ...options.failover },
      logger: logger.child({ process: 'control' }),
    });
    cleanups.push(() => controlProcess.close());

    const ca = await readFile(primaryNode.caFile, 'utf8');
    const asRegion = (
      name: string,
      url: string,
      close: () => Promise<void>,
      redis: TestRedis,
      node: () => RegionNode,
    ): TestRegion => {
      const port = Number(new URL(url).port);
      return {
        get node() {
          return node();
        },
        redis,
        dataDir,
        ca,
        port,
        url,
        region: name,
        vaultUrl: (vault) => `https://${vault}.localhost:${port}`,
        close,
      };
    };
    const none = async () => {};
    const primary = asRegion(PRIMARY, primaryNode.url, none, primaryRedis, () => primaryNode);
    const secondary = asRegion(SECONDARY, secondaryNode.url, none, secondaryRedis, () => secondaryNode);
    const gateway = asRegion('gateway', controlProcess.gatewayUrl, none, primaryRedis, () => primaryNode);
    const control = asRegion('control', controlProcess.url, none, controlRedis, () => primaryNode);

    const api = async (method: string, path: string) => {
      const response = await rawRequest(control, { method, path, principal: 'admin' });
      return { status: response.status, json: response.json };
    };
    const stack: FailoverStack = {
      primary,
      secondary,
      gateway,
      control,
      controlProcess,
      replicationLink,
      controlLink,
      redis: { primary: primaryRedis, secondary: secondaryRedis, control: controlRedis },
      gatewayClient: (principal = 'officer') => secretClient(gateway, principal),
      async status() {
        const reply = await api('GET', '/api/status');
        if (reply.status !== 200) throw new Error(`GET /api/status answered ${reply.status}`);
        return reply.json as ControlStatus;
      },
      async events() {
        const reply = await api('GET', '/api/events?limit=10000');
        if (reply.status !== 200) throw new Error(`GET /api/events answered ${reply.status}`);
        return (reply.json as { value: Awaited<ReturnType<FailoverStack['events']>> }).value;
      },
      controlPost: (path) => api('POST', `/api/${path}`),
      primaryNode: () => primaryNode,
      async flushFaultHits() {
        if (!primaryClosed) await primaryNode.faultRules?.flushHits();
        await secondaryNode.faultRules?.flushHits();
      },
      async stopPrimary() {
        primaryClosed = true;
        await primaryNode.close();
      },
      async restartPrimary() {
        primaryNode = await startRegionNode(primaryOptions);
        primaryClosed = false;
      },
      close: cleanup,
    };
    await waitUntilNormal(stack);
    return stack;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Normal, both regions healthy, the primary writing under its lease. */
export async function waitUntilNormal(stack: FailoverStack, timeoutMs = 10_000): Promise<ControlStatus> {
  return eventually(
    async () => {
      const status = await stack.status();
      if (
        status.state !== 'normal' ||
        status.serving !== PRIMARY ||
        !status.regions[PRIMARY]?.healthy ||
        !status.regions[SECONDARY]?.healthy ||
        status.regions[PRIMARY]?.mode !== 'read-write' ||
        status.regions[SECONDARY]?.mode !== 'standby'
      ) {
        throw new Error(`not normal yet: ${JSON.stringify(status)}`);
      }
      if (!stack.primaryNode().mode.writable) throw new Error('the primary does not hold its lease yet');
      return status;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** Polls the control API until the secondary has applied everything the primary wrote (replication is asynchronous). */
export async function waitUntilReplicated(stack: FailoverStack, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const status = await stack.status();
      const primary = status.regions[PRIMARY]?.replication as { lastPosition: number } | null;
      const secondary = status.regions[SECONDARY]?.replication as { lastAppliedPosition: number } | null;
      if (secondary?.lastAppliedPosition !== primary?.lastPosition)
        throw new Error(
          `secondary applied ${secondary?.lastAppliedPosition}, primary at ${primary?.lastPosition}`,
        );
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** The states the failover state machine entered, oldest first, from the control API's events. */
export async function statesEntered(stack: FailoverStack): Promise<unknown[]> {
  const events = await stack.events();
  return events.filter((event) => event.kind === 'transition').map((event) => event.details.to);
}

/** Polls the control API until the failover state is `state`; answers that status. */
export async function waitForState(
  stack: FailoverStack,
  state: ControlStatus['state'],
  timeoutMs = 10_000,
): Promise<ControlStatus> {
  return eventually(
    async () => {
      const status = await stack.status();
      if (status.state !== state)
        throw new Error(`state is ${status.state} (epoch ${status.epoch}), not ${state}`);
      return status;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

async function proxyTo(redisUrl: string, name: string): Promise<LinkProxy & { url: string }> {
  // Every node of a clustered store, each on a port of its own.
  const proxy = new LinkProxy({ name, upstream: redisNodesOf(redisUrl) });
  await proxy.start();
  return Object.assign(proxy, { url: redisUrlThrough(redisUrl, proxy.routes) });
}
