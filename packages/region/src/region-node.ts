import { randomUUID } from 'node:crypto';
import type { Server } from 'node:https';
import { type AddressInfo, isIP } from 'node:net';
import { join } from 'node:path';
import {
  Authorizer,
  DEFAULT_TENANT_ID,
  ensureSigningKey,
  TokenAuthenticator,
  TokenVerifier,
} from '@vaultover/auth';
import { AttestationAuthority, ensureAttestationKey } from '@vaultover/auth/attestation';
import { systemClock } from '@vaultover/foundation';
import { capConnections, DEFAULT_SERVER_LIMITS, limitedHttpsServer } from '@vaultover/foundation/http';
import { withLogSerializers } from '@vaultover/foundation/logging';
import { createRedisClient, type RedisClient } from '@vaultover/foundation/redis';
import { ensureTlsMaterial, serviceOrigin, VaultHostResolver } from '@vaultover/tls';
import { createVaultService, loadMasterKey, SimulatedClock } from '@vaultover/vault';
import { type Logger, pino } from 'pino';
import { attestationRoutes } from './attestation-routes.ts';
import { ControlLink } from './control-link/control-link.ts';
import { FaultInjector, NO_FAULTS } from './faults/fault-injector.ts';
import { FaultRuleSet, type FaultRulesView } from './faults/fault-rule-set.ts';
import { createApp } from './http/app.ts';
import { vaultRoutes } from './http/management/vault-routes.ts';
import { certificateRoutes } from './http/routes/certificate-routes.ts';
import { certificateSettingRoutes } from './http/routes/certificate-setting-routes.ts';
import { keyCryptoRoutes } from './http/routes/key-crypto-routes.ts';
import { keyRoutes } from './http/routes/key-routes.ts';
import { secretRoutes } from './http/routes/secret-routes.ts';
import { tlsReleaseSigner } from './http/wire/key-release-wire.ts';
import { infraRoutes } from './infra-routes.ts';
import { ModeGate, type RegionModeControl } from './mode/mode-gate.ts';
import { acceptProxyHeaders } from './proxy-protocol/accept-proxy-header.ts';
import { RegionMetrics } from './region-metrics.ts';
import type { RegionNodeOptions } from './region-options.ts';
import type { NodeReplication } from './replication/node-replication.ts';
import { PrimaryReplication } from './replication/primary-replication.ts';
import { SecondaryReplication } from './replication/secondary-replication.ts';
import { SyncReplication } from './replication/sync-replication.ts';
import { RequestLog } from './request-log/request-log.ts';
import { throttleFor } from './throttling/throttle-for.ts';
import { vaultCertificates } from './vault-certificates.ts';

/** Reported in `x-ms-keyvault-service-version`. */
export const SERVICE_VERSION = 'vaultover-0.1.0';

/**
 * Replication defaults: trim every 5 s; keep at most about a million entries per stream whatever the acks;
 * in sync mode, fail a write that not every secondary acknowledged within 5 s.
 */
export const REPLICATION_DEFAULTS = {
  trimIntervalMs: 5000,
  hardCap: 1_000_000,
  syncTimeoutMs: 5000,
} as const;

/** A running region node. */
export interface RegionNode {
  readonly region: string;
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly clock: SimulatedClock;
  /** What the region serves: read it, set() it, raise its write fence (the control link does; tests too). */
  readonly mode: RegionModeControl;
  /** The request-level fault rules in force here (under a control process only; docs/chaos.md). */
  readonly faultRules: FaultRulesView | undefined;
  close(): Promise<void>;
}

/** Starts one region: its Redis connections, the vault domain, and the HTTPS server. */
export async function startRegionNode(options: RegionNodeOptions): Promise<RegionNode> {
  const logger = withLogSerializers(options.logger ?? pino({ name: `region:${options.region}` }));
  const clock = options.clock ?? new SimulatedClock({ timeScale: options.timeScale ?? 1 });
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const [tls, signingKey, attestationKey] = await Promise.all([
    ensureTlsMaterial({ dir: join(options.dataDir, 'tls'), hostnames: regionCertificateNames(options) }),
    ensureSigningKey(options.dataDir),
    ensureAttestationKey(options.dataDir),
  ]);
  const attestation = new AttestationAuthority(attestationKey, clock);
  // Auto-pipelining: commands of concurrent requests issued in the same tick share one write.
  // ioredis re-sends commands left unanswered by a dropped connection. A commit whose reply was lost is
  // thus sent twice; its idempotency key makes the second run answer the first one's result (the
  // vault's Committer). Turning re-sending off is worse: with auto-pipelining, ioredis 6 then stalls
  // every later command after a reconnect. The store may be a Redis Cluster (a redis-cluster:// URL).
  const redis = createRedisClient(options.redisUrl, {
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    enableAutoPipelining: true,
  });
  const metrics = new RegionMetrics(options.region);
  redis.on('error', () => metrics.redisErrors.inc());
  const gate = new ModeGate({
    region: options.region,
    role: options.role,
    readOnlyProfile: options.readOnlyProfile,
    onReadOnlyRejection: (operation) => metrics.readOnlyRejected(operation),
  });
  metrics.watchMode(() => gate.state.mode);
  gate.on('change', (state, previous) => {
    if (state.mode !== previous.mode || state.epoch !== previous.epoch)
      logger.info(
        { mode: state.mode, epoch: state.epoch, previousMode: previous.mode },
        'region mode changed',
      );
  });

  // Under a control process, serve nothing until the failover state says what this region is.
  if (options.control) gate.set({ mode: 'standby', epoch: 0 });

  const secondary = options.role === 'secondary';
  // BullMQ is handed a client rather than a URL, so that a cluster store's queue is a cluster client too
  // (its keys share the `{vo-purge}` hash tag); its blocking reads want no retry limit.
  const queueRedis = secondary
    ? undefined
    : createRedisClient(options.queueRedisUrl ?? options.redisUrl, { maxRetriesPerRequest: null });
  queueRedis?.on('error', () => metrics.redisErrors.inc());
  const service = createVaultService({
    redis,
    clock,
    masterKey: loadMasterKey({ key: options.masterKey, dataDir: options.dataDir }),
    location: options.region,
    tenantId,
    // A secondary's vaults change under it (replication): never serve cached properties.
    cacheVaults: !secondary,
    delays: options.delays,
    writable: () => gate.writable,
    // A standby's purges arrive as the primary's purge entries: purging on its own would fork its state.
    queue: !queueRedis
      ? undefined
      : {
          connection: queueRedis,
          toRealMs: (ms) => clock.toRealMs(ms),
          // Purges are writes: they wait while this region may not write (see gate 'writable' below).
          held: !gate.writable,
          onError: (err, job) =>
            job
              ? logger.warn(
                  { err, vault: job.vault, kind: job.kind },
                  'could not schedule a purge; it is scheduled at next start',
                )
              : logger.warn({ err }, 'purge queue error'),
        },
  });
  gate.on('writable', (writable) => {
    if (writable) service.scheduler?.release();
    else service.scheduler?.hold().catch((err) => logger.warn({ err }, 'could not hold the purge queue'));
  });
  const controlLink = options.control
    ? new ControlLink({ region: options.region, target: gate, logger, ...options.control })
    : undefined;
  if (controlLink) metrics.watchLease(() => controlLink.status().lease === 'held');
  // Fault rules live in the control Redis: a region without one has none, and pays nothing for them.
  const faultClock = options.control?.faultClock ?? systemClock;
  const faultRules = options.control
    ? new FaultRuleSet({
        region: options.region,
        redisUrl: options.control.redisUrl,
        clock: faultClock,
        logger,
      })
    : undefined;
  let loggedFailure = false;
  const requestLog =
    faultRules && options.control?.requestLog
      ? new RequestLog({
          redis: faultRules.redis,
          region: options.region,
          clock: systemClock,
          onError: (err) => {
            if (!loggedFailure) logger.warn({ err }, 'could not write the request log; retrying');
            loggedFailure = true;
          },
        })
      : undefined;
  let replication: NodeReplication | undefined;
  const release = async () => {
    await requestLog?.close();
    await faultRules?.close();
    await controlLink?.close();
    await replication?.close();
    await service.close();
    queueRedis?.disconnect();
    redis.disconnect();
  };
  try {
    // A configured vault that was soft-deleted through the management plane stays deleted. A standby
    // creates none: its vaults are the primary's, replicated (a local create would fork them).
    if (!secondary) for (const vault of options.vaults) await service.vaults.ensure(vault);
    // Every vault, configured or created at run time: repair the name index, plan the purges of
    // deleted vaults and of the deleted objects of live ones (a standby has no purge queue: index only).
    await service.management.reconcile();
  } catch (error) {
    await release();
    throw error;
  }
  replication = startReplication(options, redis, metrics, logger);
  await controlLink?.start();
  await faultRules?.start();
  // Only a secondary replicates: a primary exposes no replication gauges (its "link" would read down).
  metrics.watchReplication(async () => {
    const status = secondary ? await replication?.status({ digests: false }) : undefined;
    return status ?? { lagSeconds: null, lagEntries: null, link: null };
  });

  const settings = options.replication ?? {};
  const sync =
    !secondary && settings.mode === 'sync'
      ? new SyncReplication({
          region: options.region,
          redis,
          secondaries: settings.secondaries ?? [],
          timeoutMs: settings.syncTimeoutMs ?? REPLICATION_DEFAULTS.syncTimeoutMs,
          metrics,
        })
      : undefined;

  const authorizer = new Authorizer(options.principals);
  const authenticator = new TokenAuthenticator(
    new TokenVerifier({ signingKey, knownPrincipals: () => authorizer.names() }),
    tenantId,
  );
  const hosts = new VaultHostResolver(options.defaultVault, options.hostnames);
  const throttle = throttleFor(options.throttling, { redis, hosts, metrics });
  const app = createApp({
    region: options.region,
    tenantId,
    managementRoutes: vaultRoutes(service.management),
    dataRoutes: [
      ...secretRoutes(service.secrets),
      ...keyRoutes(service.keys, { verifier: attestation, signer: tlsReleaseSigner(tls) }),
      ...keyCryptoRoutes(service.keyCrypto),
      // Before the certificates' routes, which would take /certificates/issuers/… and /certificates/contacts.
      ...certificateSettingRoutes(service.certificateIssuers, service.certificateContacts),
      ...certificateRoutes(service.certificates, service.certificateLifecycle),
    ],
    infraRoutes: [
      ...attestationRoutes(attestation),
      ...infraRoutes({
        region: options.region,
        role: options.role,
        redis,
        clock,
        scheduler: service.scheduler,
        metrics,
        authenticator,
        authorizer,
        replication,
        gate,
        controlLink,
        replicationMode: secondary ? null : (options.replication?.mode ?? 'async'),
      }),
    ],
    vaults: service.vaults,
    hosts,
    authenticator,
    authorizer,
    metrics,
    logger,
    serviceVersion: SERVICE_VERSION,
    gate,
    faults: faultRules ? new FaultInjector({ rules: faultRules, clock: faultClock, metrics }) : NO_FAULTS,
    requestLog,
    afterWrite: sync && ((vault) => sync.waitForSecondaries(vault)),
    throttle,
  });

  // Vaults created at run time get their certificate at their first handshake (SNI).
  const sni = await vaultCertificates(tls, hosts, service.vaults);
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  // What the HTTP parser refuses gets the service's error format too, never an empty 400 or a reset.
  const { server, cap } = limitedHttpsServer(
    { key: tls.keyPem, cert: tls.certPem, SNICallback: sni.callback },
    app.listener,
    {
      limits,
      who: `Region ${options.region}`,
      errorHeaders: () => ({
        'x-ms-request-id': randomUUID(),
        'x-ms-keyvault-region': options.region,
        'x-vaultover-mode': gate.state.mode,
      }),
    },
  );
  // Connections from the global endpoint start with a PROXY header naming the epoch they were routed under.
  const dropUnread = acceptProxyHeaders(server, limits.handshakeTimeoutMs);
  // After acceptProxyHeaders, which replaces the 'connection' listeners: counted before the header is read.
  capConnections(server, cap);
  const host = options.host ?? '127.0.0.1';
  try {
    await listen(server, options.port ?? 0, host);
  } catch (error) {
    await release();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = serviceOrigin(host, port);
  logger.info({ url, caFile: tls.caFile }, 'region node ready');

  return {
    region: options.region,
    url,
    port,
    caFile: tls.caFile,
    clock,
    mode: gate,
    faultRules,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        dropUnread();
      });
      await sync?.close();
      await release();
    },
  };
}

/** The replication side of the node: a replicator on a secondary, positions and trimming on a primary. */
function startReplication(
  options: RegionNodeOptions,
  redis: RedisClient,
  metrics: RegionMetrics,
  logger: Logger,
): NodeReplication {
  const settings = options.replication ?? {};
  if (options.role === 'secondary') {
    return new SecondaryReplication({
      region: options.region,
      redisUrl: options.redisUrl,
      primaryRedisUrl: settings.primaryRedisUrl,
      metrics,
      logger,
    });
  }
  return new PrimaryReplication({
    region: options.region,
    redis,
    secondaries: settings.secondaries ?? [],
    trimIntervalMs: settings.trimIntervalMs ?? REPLICATION_DEFAULTS.trimIntervalMs,
    hardCap: settings.hardCap ?? REPLICATION_DEFAULTS.hardCap,
    logger,
  });
}

/**
 * Names the server certificate must cover: the configured hosts, and `<vault>.<host>` for every vault
 * on every named host. Node and curl refuse the two-label wildcard `*.localhost`, so each is listed.
 */
/**
 * The names a region node's certificate must cover: the deployment's hostnames and each configured
 * vault's `<vault>.<host>`. A supervisor makes the certificate before it starts the nodes, so that no
 * node loads the certificate libraries (some 9 MiB) to make it.
 */
export function regionCertificateNames(options: Pick<RegionNodeOptions, 'hostnames' | 'vaults'>): string[] {
  const hosts = ['localhost', ...(options.hostnames ?? [])].filter((h) => !isIP(h));
  const vaultHosts = options.vaults.flatMap((vault) => hosts.map((host) => `${vault.name}.${host}`));
  return [...(options.hostnames ?? []), ...vaultHosts];
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
