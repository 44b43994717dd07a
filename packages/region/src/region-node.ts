import { createServer, type Server } from 'node:https';
import { type AddressInfo, isIP } from 'node:net';
import { join } from 'node:path';
import { createVaultService, loadMasterKey, SimulatedClock } from '@vaultover/vault';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Authorizer } from './access/authorizer.ts';
import { TokenAuthenticator } from './access/token-authenticator.ts';
import { DEFAULT_TENANT_ID, ensureSigningKey, TokenVerifier } from './auth/index.ts';
import { createApp } from './http/app.ts';
import { vaultRoutes } from './http/management/vault-routes.ts';
import { certificateRoutes } from './http/routes/certificate-routes.ts';
import { keyCryptoRoutes } from './http/routes/key-crypto-routes.ts';
import { keyRoutes } from './http/routes/key-routes.ts';
import { secretRoutes } from './http/routes/secret-routes.ts';
import { VaultHostResolver } from './http/vault-host.ts';
import { infraRoutes } from './infra-routes.ts';
import { RegionMetrics } from './region-metrics.ts';
import type { RegionNodeOptions } from './region-options.ts';
import { ensureTlsMaterial } from './tls/index.ts';
import { vaultCertificates } from './vault-certificates.ts';

/** Reported in `x-ms-keyvault-service-version`. */
export const SERVICE_VERSION = 'vaultover-0.1.0';

/** A running region node. */
export interface RegionNode {
  readonly region: string;
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly clock: SimulatedClock;
  close(): Promise<void>;
}

/** Starts one region: its Redis connections, the vault domain, and the HTTPS server. */
export async function startRegionNode(options: RegionNodeOptions): Promise<RegionNode> {
  const logger = options.logger ?? pino({ name: `region:${options.region}` });
  const clock = options.clock ?? new SimulatedClock({ timeScale: options.timeScale ?? 1 });
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const [tls, signingKey] = await Promise.all([
    ensureTlsMaterial({ dir: join(options.dataDir, 'tls'), hostnames: certificateNames(options) }),
    ensureSigningKey(options.dataDir),
  ]);
  // Auto-pipelining: commands of concurrent requests issued in the same tick share one write.
  const redis = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    enableAutoPipelining: true,
  });
  const metrics = new RegionMetrics(options.region);
  redis.on('error', () => metrics.redisErrors.inc());

  const service = createVaultService({
    redis,
    clock,
    masterKey: loadMasterKey({ key: options.masterKey, dataDir: options.dataDir }),
    location: options.region,
    tenantId,
    queue: {
      connection: { url: options.queueRedisUrl ?? options.redisUrl },
      toRealMs: (ms) => clock.toRealMs(ms),
      onError: (err, job) =>
        logger.warn(
          { err, vault: job.vault, kind: job.kind },
          'could not schedule a purge; it is scheduled at next start',
        ),
    },
  });
  const release = async () => {
    await service.close();
    redis.disconnect();
  };
  try {
    // A configured vault that was soft-deleted through the management plane stays deleted.
    for (const vault of options.vaults) await service.vaults.ensure(vault);
    // Every vault, configured or created at run time: repair the name index, plan the purges of
    // deleted vaults and of the deleted objects of live ones.
    await service.management.reconcile();
  } catch (error) {
    await release();
    throw error;
  }

  const authorizer = new Authorizer(options.principals);
  const authenticator = new TokenAuthenticator(
    new TokenVerifier({ signingKey, knownPrincipals: () => authorizer.names() }),
    tenantId,
  );
  const hosts = new VaultHostResolver(options.defaultVault, options.hostnames);
  const app = createApp({
    region: options.region,
    tenantId,
    managementRoutes: vaultRoutes(service.management),
    dataRoutes: [
      ...secretRoutes(service.secrets),
      ...keyRoutes(service.keys),
      ...keyCryptoRoutes(service.keyCrypto),
      ...certificateRoutes(service.certificates, service.certificateLifecycle),
    ],
    infraRoutes: infraRoutes({
      region: options.region,
      role: options.role,
      redis,
      clock,
      scheduler: service.scheduler,
      metrics,
      authenticator,
      authorizer,
    }),
    vaults: service.vaults,
    hosts,
    authenticator,
    authorizer,
    metrics,
    logger,
    serviceVersion: SERVICE_VERSION,
  });

  // Vaults created at run time get their certificate at their first handshake (SNI).
  const sni = await vaultCertificates(tls, hosts, service.vaults);
  const server = createServer({ key: tls.keyPem, cert: tls.certPem, SNICallback: sni.callback }, app);
  server.keepAliveTimeout = 65_000;
  try {
    await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await release();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `https://localhost:${port}`;
  logger.info({ url, caFile: tls.caFile }, 'region node ready');

  return {
    region: options.region,
    url,
    port,
    caFile: tls.caFile,
    clock,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await release();
    },
  };
}

/**
 * Names the server certificate must cover: the configured hosts, and `<vault>.<host>` for every vault
 * on every named host. Node and curl refuse the two-label wildcard `*.localhost`, so each is listed.
 */
function certificateNames(options: RegionNodeOptions): string[] {
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
