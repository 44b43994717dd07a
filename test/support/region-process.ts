import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { createServer, type Server } from 'node:net';
import type { VaultoverCredential } from '@vaultover/auth';
import {
  childProcessRegionRunner,
  type RegionLaunch,
  type RunningRegion,
  type VaultoverConfig,
  validateConfig,
} from '@vaultover/cli';
import { loopbackLookup } from './clients.ts';

/**
 * A region node in its own OS process, started exactly as `vaultover up` starts one (the CLI's
 * childProcessRegionRunner: `node main.ts region --name X` with the launch in VAULTOVER_REGION_LAUNCH,
 * ready at its `vaultover region ready` line, gone when its stdin closes), that a test can kill -9 and
 * start again on the same port, Redis and data directory.
 */
export interface RegionProcess {
  readonly name: string;
  readonly port: number;
  /** `https://localhost:<port>`: the default vault. */
  readonly url: string;
  readonly caFile: string;
  /** OS pid of the current child. */
  readonly pid: number;
  /** Exits nobody asked for (a crash), one line each, as the runner reports them. */
  readonly crashes: readonly string[];
  /** SIGKILLs the child; resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts a new child with the same launch; resolves at its ready line. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after the runner's grace period); idempotent. */
  stop(): Promise<void>;
}

/** Starts `launch` under `config` in a child process; see {@link RegionProcess}. */
export async function startRegionProcess(
  config: VaultoverConfig,
  launch: RegionLaunch,
  readyTimeoutMs = 30_000,
): Promise<RegionProcess> {
  const crashes: string[] = [];
  const runner = childProcessRegionRunner(config, { say: (line) => crashes.push(line), readyTimeoutMs });
  let running: RunningRegion | undefined = await runner.start(launch);
  const current = (): RunningRegion => {
    if (!running) throw new Error(`region ${launch.name} is not running`);
    return running;
  };
  return {
    name: launch.name,
    port: launch.port,
    crashes,
    get url() {
      return current().url;
    },
    get caFile() {
      return current().caFile;
    },
    get pid() {
      return current().pid;
    },
    async kill() {
      const victim = current();
      running = undefined;
      process.kill(victim.pid, 'SIGKILL');
      // stop() marks the exit as asked for before the exit event can fire, then waits for the exit.
      await victim.stop();
    },
    async restart() {
      if (running) throw new Error(`region ${launch.name} is still running`);
      running = await runner.start(launch);
    },
    async stop() {
      const last = running;
      running = undefined;
      await last?.stop();
    },
  };
}

/**
 * The deployment config `vaultover up` would load for the default region pair, with fixed ports (a
 * region restarted after a kill -9 must come back where its clients and the link expect it), a shared
 * master key and data directory (as `up` runs every region on one), and the given log level.
 */
export function pairConfig(options: {
  dataDir: string;
  masterKey: string;
  ports: { primary: number; secondary: number };
  primary: string;
  secondary: string;
  logLevel?: VaultoverConfig['logLevel'];
}): VaultoverConfig {
  const parsed = validateConfig(
    {
      regions: [
        { name: options.primary, role: 'primary', port: options.ports.primary },
        { name: options.secondary, role: 'secondary', port: options.ports.secondary },
      ],
      masterKey: options.masterKey,
      logLevel: options.logLevel ?? 'error',
    },
    'the test',
  );
  return { ...parsed, dataDir: options.dataDir, file: null };
}

/** `count` distinct free loopback ports, held open together so that the OS cannot hand out one twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('the OS gave no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export interface JsonResponse {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
}

/**
 * GET `path` of a region process over HTTPS (trusting `ca`), with a bearer token of `principal` signed
 * with the deployment's key in `dataDir` (what `vaultover token <principal>` prints), or none. Rejects on
 * connection errors and after `timeoutMs`.
 */
export function getJson(
  region: Pick<RegionProcess, 'port'>,
  path: string,
  options: { ca: string; credential?: VaultoverCredential; timeoutMs?: number },
): Promise<JsonResponse> {
  return (async () => {
    const headers: Record<string, string> = {};
    if (options.credential) {
      const token = await options.credential.getToken('https://vault.azure.net/.default');
      headers.authorization = `Bearer ${token.token}`;
    }
    return new Promise<JsonResponse>((resolve, reject) => {
      const request = https.request(
        {
          hostname: 'localhost',
          lookup: loopbackLookup,
          port: region.port,
          path,
          headers,
          ca: options.ca,
          agent: false,
          timeout: options.timeoutMs ?? 5_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = text;
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
      request.on('error', reject);
      request.end();
    });
  })();
}
