import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSigningKey, TokenIssuer } from '@vaultover/auth/tokens';
import { httpsJson } from '@vaultover/foundation';
import { createRedisProvider } from '@vaultover/local-redis';
import { pino } from 'pino';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { type VaultoverConfig, validateConfig } from '../config/index.ts';
import { startDemoDeployment } from '../demo/demo-deployment.ts';
import { runSecretsStory } from '../demo/demo-story.ts';
import { runFailoverStory } from '../demo/failover-story.ts';
import { formatMs, Narrator } from '../demo/narrator.ts';
import { formatTimeline } from '../demo/timeline.ts';
import { inProcessRegionRunner } from '../topology/in-process-region-runner.ts';
import { redisProviderOptions } from '../topology/redis-mode.ts';
import { startTopology } from '../topology/topology.ts';

/** The demo's stories: the failover of the default pair (default), or one vault's lifecycle. */
export const DEMO_STORIES = ['failover', 'vault'] as const;
export type DemoStory = (typeof DEMO_STORIES)[number];

/**
 * `vaultover demo`: starts a private deployment (its own Redis, processes and data directory), tells a
 * story through the real Azure SDK, checks every answer, and stops everything. Exit 0 when every step
 * behaved as the real service would.
 */
export async function runDemo(options: { story?: DemoStory } = {}, say: Say = sayOnStderr): Promise<number> {
  const narrator = new Narrator((text) => process.stdout.write(text), process.stdout.isTTY === true);
  try {
    return options.story === 'vault' ? await runVaultDemo(narrator) : await runFailoverDemo(narrator, say);
  } catch (error) {
    say(`demo step failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function runFailoverDemo(narrator: Narrator, say: Say): Promise<number> {
  const started = performance.now();
  narrator.title(
    'Vaultover demo: a region fails; the vault fails over to read-only, then fails back (real @azure/keyvault-secrets client)',
  );
  const deployment = await narrator.step(
    'start Redis ×3, westeurope (primary), northeurope (secondary) and the control process',
    () => startDemoDeployment(say),
  );
  try {
    narrator.note(
      `global endpoint ${deployment.endpoints.gateway}  ·  control API ${deployment.endpoints.control}`,
    );
    const timeline = await runFailoverStory(narrator, deployment);
    narrator.block(`\n${formatTimeline(timeline)}`);
    narrator.title(
      `Every step answered as the real service would (${formatMs(performance.now() - started)}).`,
    );
    return 0;
  } finally {
    await deployment.stop();
  }
}

async function runVaultDemo(narrator: Narrator): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vaultover-demo-'));
  const config: VaultoverConfig = {
    ...validateConfig(
      {
        // One in-process region keeps this story fast; the failover story runs the replicated pair.
        regions: [{ name: 'westeurope', role: 'primary' }],
        vaults: [{ name: 'vaultover', retentionDays: 7 }],
        logLevel: 'warn',
      },
      'the demo config',
    ),
    dataDir,
    file: null,
  };
  const started = performance.now();
  narrator.title(
    'Vaultover demo: a Key-Vault-style vault, driven by the real @azure/keyvault-secrets client',
  );
  const redis = createRedisProvider(await redisProviderOptions(config));
  const runner = inProcessRegionRunner(
    config,
    pino({ level: 'warn' }, pino.destination({ dest: 2, sync: true })),
  );
  const topology = await narrator.step('start Redis and region westeurope (HTTPS, generated CA)', () =>
    startTopology({ config, redis, runner, say: () => {} }),
  );
  try {
    const region = topology.regions[0];
    if (!region) throw new Error('the demo topology has no region');
    narrator.note(`${region.url}  ·  CA ${region.caFile}`);
    await runSecretsStory(narrator, {
      vaultUrl: region.url,
      ca: await readFile(region.caFile, 'utf8'),
      dataDir,
      shiftTime: (days) => shiftTime(region.url, region.caFile, dataDir, days),
    });
    narrator.title(
      `Every step answered as the real service would (${formatMs(performance.now() - started)}).`,
    );
    return 0;
  } finally {
    await topology.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `POST /admin/time/shift` as the admin principal, as a user would with curl. */
async function shiftTime(url: string, caFile: string, dataDir: string, days: number): Promise<void> {
  const issuer = new TokenIssuer({ signingKey: await readSigningKey(dataDir) });
  const { token } = await issuer.issue('admin');
  const ca = await readFile(caFile, 'utf8');
  const reply = await httpsJson({
    method: 'POST',
    url: `${url}/admin/time/shift`,
    ca,
    token,
    body: { days },
  });
  if (reply.status !== 200) throw new Error(`time shift answered ${reply.status}`);
}
