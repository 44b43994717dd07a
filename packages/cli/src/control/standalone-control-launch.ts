import { readFile } from 'node:fs/promises';
import type { ControlRegion } from '@vaultover/control';
import { redisUrlFromEndpoints } from '@vaultover/local-redis';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { loadConfig, type VaultoverConfig } from '../config/index.ts';
import { CONTROL_REDIS } from '../topology/topology.ts';
import type { ControlLaunchSpec } from './control-launch.ts';

/** Flags of `vaultover control` when it runs alone. */
export interface StandaloneControlFlags {
  config?: string | undefined;
  /** A `vaultover up`'s endpoints.json: region URLs and roles, the control Redis. */
  endpoints?: string | undefined;
  /** `name=url`, overriding the endpoints file. */
  region?: string[] | undefined;
  controlRedisUrl?: string | undefined;
  port?: number | undefined;
  gatewayPort?: number | undefined;
}

interface EndpointsFileView {
  regions?: Record<string, { url?: unknown; role?: unknown }>;
  redis?: Record<string, { url?: unknown }>;
  dataDir?: unknown;
}

const usage = (message: string) => new CliError(message, { exitCode: EXIT.usage });

/** A control process started by hand: its config, plus where the regions and the control Redis are. */
export async function standaloneControlLaunch(flags: StandaloneControlFlags): Promise<ControlLaunchSpec> {
  const loaded = await loadConfig({ file: flags.config });
  const config: VaultoverConfig = {
    ...loaded,
    control: {
      port: flags.port ?? loaded.control.port,
      gatewayPort: flags.gatewayPort ?? loaded.control.gatewayPort,
    },
  };
  const file = flags.endpoints === undefined ? undefined : await readEndpoints(flags.endpoints);
  const urls = new Map<string, string>();
  for (const [name, { url }] of Object.entries(file?.regions ?? {})) {
    if (typeof url === 'string') urls.set(name, url);
  }
  for (const pair of flags.region ?? []) {
    const [name, url] = splitPair(pair);
    urls.set(name, url);
  }
  const regions: ControlRegion[] = config.regions.map(({ name, role }) => {
    const url = urls.get(name);
    if (url === undefined) {
      throw usage(`no URL for region ${name}: pass --region ${name}=https://HOST:PORT or --endpoints FILE`);
    }
    return { name, role, url };
  });
  return { config, regions, controlRedisUrl: await controlRedisUrlOf(flags, file, config) };
}

async function controlRedisUrlOf(
  flags: StandaloneControlFlags,
  file: EndpointsFileView | undefined,
  config: VaultoverConfig,
): Promise<string> {
  if (flags.controlRedisUrl !== undefined) return flags.controlRedisUrl;
  const named = file?.redis?.[CONTROL_REDIS]?.url;
  // endpoints.json masks passwords. An embedded Redis's are derived again, as the control user's, from
  // the deployment's secret; an external one's must come from a flag or the config.
  const fromFile =
    typeof named === 'string' && typeof file?.dataDir === 'string'
      ? await redisUrlFromEndpoints(named, file.dataDir, 'control')
      : named;
  if (typeof fromFile === 'string' && !fromFile.includes('***')) return fromFile;
  const fromConfig = config.redis.urls?.[CONTROL_REDIS];
  if (fromConfig !== undefined) return fromConfig;
  throw usage(
    'no control Redis: pass --control-redis-url redis://HOST:PORT, --endpoints FILE of a running vaultover up, ' +
      'or set redis.urls.control in the config',
  );
}

function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  const name = pair.slice(0, at);
  const url = pair.slice(at + 1);
  if (at <= 0 || !URL.canParse(url))
    throw usage(`--region ${pair}: expected NAME=URL, e.g. westeurope=https://localhost:8443`);
  return [name, url];
}

async function readEndpoints(path: string): Promise<EndpointsFileView> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usage(
      `--endpoints ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}); start vaultover up first or pass --region flags`,
    );
  }
  try {
    return JSON.parse(text) as EndpointsFileView;
  } catch {
    throw usage(`--endpoints ${path}: not JSON; expected the endpoints.json that vaultover up writes`);
  }
}
