// Bench child: one full resync by the product's Replicator, alone in its process, so that the peak
// memory it reports is the replicator's own.
import { setTimeout as sleep } from 'node:timers/promises';
import { Replicator } from '@vaultover/replication';
import { Redis } from 'ioredis';
import { runAsChild } from '../child/child-protocol.ts';
import { REGION, type ResyncChildConfig, type ResyncChildResult } from './resync-spec.ts';

const MAX_ERRORS = 3;
const RSS_SAMPLE_MS = 50;

runAsChild<ResyncChildConfig, Record<string, never>>(async (config) => {
  const secondary = new Redis(config.secondaryUrl, { enableAutoPipelining: true });
  return {
    info: {},
    close: async () => secondary.disconnect(),
    window: (windowConfig) =>
      resyncOnce(config, secondary, (windowConfig as { timeoutMs: number }).timeoutMs),
  };
});

async function resyncOnce(
  config: ResyncChildConfig,
  secondary: Redis,
  timeoutMs: number,
): Promise<ResyncChildResult> {
  const errors: string[] = [];
  // The region node's options (packages/region, secondary-replication.ts).
  const replicator = new Replicator({
    region: REGION,
    primary: () =>
      new Redis(config.primaryUrl, {
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
        connectTimeout: 2000,
        enableAutoPipelining: true,
      }),
    secondary,
  });
  replicator.on('link', ({ error }) => {
    if (error && errors.length < MAX_ERRORS) errors.push(error.message);
  });
  let resync: { at: number; keys: number } | undefined;
  replicator.on('resync', ({ keys }) => {
    resync = { at: performance.now(), keys };
  });
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  try {
    const started = performance.now();
    replicator.start();
    const deadline = started + timeoutMs;
    let convergedAt: number | undefined;
    // A resync that fails the same way three times will not succeed on the fourth: report, do not wait.
    while (performance.now() < deadline && errors.length < MAX_ERRORS) {
      const status = await replicator.status();
      if (resync && status.state === 'streaming' && status.lagEntries === 0) {
        convergedAt = performance.now();
        break;
      }
      await sleep(5);
    }
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    return {
      resyncMs: resync ? resync.at - started : null,
      convergedMs: convergedAt === undefined ? null : convergedAt - started,
      keys: resync?.keys ?? 0,
      peakRssBytes,
      errors,
    };
  } finally {
    clearInterval(sampler);
    await replicator.stop();
  }
}
