import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { type ControlProcess, startControl } from '@vaultover/control';
import { startTestRedis, type TestRedis, tempDir } from '@vaultover/testkit';
import { pino } from 'pino';

/** A control process with no region nodes behind it, and an endpoints.json that names it. */
export interface BareControl {
  readonly redis: TestRedis;
  readonly control: ControlProcess;
  /** The working directory the CLI runs in. */
  readonly dir: string;
  /** The endpoints.json to pass as `--endpoints`. */
  readonly endpoints: string;
  close(): Promise<void>;
}

/**
 * A real control process (real control Redis, real HTTPS, the deployment's CA and token key) for the
 * CLI's client commands, whose region URLs lead nowhere: the monitor probes once and never judges them
 * (it would need 100 failures). `endpoints` adds fields to endpoints.json (a links API, say), or makes
 * them once the data directory (its token key) exists.
 */
export async function startBareControl(
  name: string,
  endpoints: Record<string, unknown> | ((dataDir: string) => Promise<Record<string, unknown>>) = {},
): Promise<BareControl> {
  const redis = await startTestRedis('control');
  const dir = await tempDir(`vaultover-${name}-`);
  const dataDir = join(dir.path, 'state');
  let control: ControlProcess;
  try {
    control = await startControl({
      controlRedisUrl: redis.url,
      regions: [
        { name: 'westeurope', role: 'primary', url: 'https://localhost:1' },
        { name: 'northeurope', role: 'secondary', url: 'https://localhost:2' },
      ],
      dataDir,
      principals: DEFAULT_PRINCIPALS,
      monitor: { probeIntervalMs: 3_600_000, failureThreshold: 100 },
      logger: pino({ level: 'silent' }),
    });
  } catch (error) {
    await redis.stop();
    await dir.remove();
    throw error;
  }
  const file = join(dir.path, 'endpoints.json');
  const caFile = join(dataDir, 'tls', 'ca.pem');
  const extra = typeof endpoints === 'function' ? await endpoints(dataDir) : endpoints;
  await writeFile(
    file,
    JSON.stringify({ control: control.url, caFile, dataDir, pid: process.pid, ...extra }),
  );
  return {
    redis,
    control,
    dir: dir.path,
    endpoints: file,
    close: async () => {
      await control.close();
      await redis.stop();
      await dir.remove();
    },
  };
}
