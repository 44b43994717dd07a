import { summarizeProfiles } from '../profile/profile-summary.ts';
import type { LagTarget } from '../replication/lag-probe.ts';
import { measureThroughput } from '../replication/max-throughput.ts';
import { awaitReplicating, measureLag } from '../replication/measure-lag.ts';
import { describeLag, describeResync, describeThroughput } from '../replication/progress-lines.ts';
import {
  type ReplicationEnvironment,
  startReplicationEnvironment,
} from '../replication/replication-environment.ts';
import {
  type Measured,
  NAMES,
  type ResyncRuns,
  spreadName,
  summarize,
} from '../replication/replication-summary.ts';
import { measureResync, type ResyncMeasurement, seedResyncVault } from '../replication/resync-time.ts';
import type { BenchOptions, Suite, SuiteContext } from '../suite.ts';

// Lag windows default to 30 s (about 30 000 writes at the default rate, each one timed, so the p99 is
// exact: docs/benchmarks.md#how-lag-is-measured), the throughput window to 10 s; --duration overrides both.
const LAG_DEFAULT_S = 30;
const THROUGHPUT_DEFAULT_S = 10;
// Bytes of each secret value (and of each native SET): a password or connection string, not a blob.
const VALUE_BYTES = 256;
// After a lag window's last write, how long stragglers may take before they count as missing.
const LAG_DRAIN_MS = 5000;
const THROUGHPUT_DRAIN_MS = 60_000;
const RESYNC_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 30_000;
const PROFILE_TOP = 15;

type Part = 'native' | 'bare' | 'ours' | 'throughput' | 'resync';

/** Replication lag beside Redis's own, the most replicated writes/s, and full resync time. */
export const replicationSuite: Suite = {
  name: 'replication',
  description: 'lag at a fixed write rate beside Redis REPLICAOF, max replicated writes/s, full resync time',
  windows: (options) => selectParts(options).length * options.runs,
  async run(context) {
    const parts = selectParts(context.options);
    if (parts.length === 0) throw new Error(`--only ${context.options.only.join(',')} matches no scenario`);
    const env = await startReplicationEnvironment(context, VALUE_BYTES);
    try {
      const measured = await measureInterleaved(parts, env, context);
      // The resync empties both Redis servers: no replicator, product or bare, may run meanwhile.
      await env.stopSecondaryNode();
      await env.bare.stopRelay();
      const resyncs = parts.includes('resync') ? await measureResyncs(env, context) : undefined;
      const lagS = context.options.durationExplicit ? context.options.durationS : LAG_DEFAULT_S;
      const result = summarize(measured, resyncs, context.options, {
        suite: replicationSuite.name,
        lagS,
        valueBytes: VALUE_BYTES,
      });
      // The secondary node wrote its profile when it stopped, above.
      const dir = context.options.profileDir;
      if (dir) result.profiles = await summarizeProfiles(dir, PROFILE_TOP);
      return result;
    } finally {
      await env.stop();
    }
  },
};

function selectParts(options: BenchOptions): Part[] {
  const all: [Part, string[]][] = [
    ['native', [NAMES.native]],
    ['bare', [NAMES.bare]],
    ['ours', [NAMES.ours]],
    ['throughput', [NAMES.commits, NAMES.applied]],
    ['resync', [NAMES.resync]],
  ];
  const wanted = options.only.map((text) => text.toLowerCase());
  if (wanted.length === 0) return all.map(([part]) => part);
  return all
    .filter(([, names]) => names.some((name) => wanted.some((text) => name.toLowerCase().includes(text))))
    .map(([part]) => part);
}

/**
 * Each run measures native, the bare relay, ours and the saturation window in turn, so machine
 * drift hits all alike.
 */
async function measureInterleaved(
  parts: Part[],
  env: ReplicationEnvironment,
  context: SuiteContext,
): Promise<Measured> {
  const { options } = context;
  const measured: Measured = { native: [], bare: [], ours: [], spread: new Map(), throughput: [] };
  const spreadCounts = options.vaultCounts.filter((count) => count > 1);
  const lagMs = (options.durationExplicit ? options.durationS : LAG_DEFAULT_S) * 1000;
  const secondaryPid = env.secondaryNode?.pid ?? 0;
  await awaitReplicating(env.native, 'ready', READY_TIMEOUT_MS);
  await awaitReplicating(env.bare, 'ready', READY_TIMEOUT_MS);
  await awaitReplicating(env.ours, 'ready', READY_TIMEOUT_MS);
  for (let run = 1; run <= options.runs; run++) {
    const schedule = {
      prefix: `r${run}`,
      ratePerSecond: options.rate,
      warmupMs: options.warmupS * 1000,
      durationMs: lagMs,
      drainMs: LAG_DRAIN_MS,
    };
    const lagWindow = async (part: 'native' | 'bare' | 'ours', target: LagTarget, watched: Watched) => {
      if (!parts.includes(part)) return;
      const m = await measureLag(target, schedule, pids(watched));
      measured[part].push(m);
      context.progress(`run ${run}/${options.runs} ${NAMES[part]}: ${describeLag(m)}`);
    };
    const oursWatched = {
      server: secondaryPid,
      redis: env.primary.pid,
      'secondary redis': env.secondary.pid,
      observer: env.ours.observerPid,
    };
    await lagWindow('native', env.native, {
      server: env.nativeReplica.pid,
      redis: env.nativeMaster.pid,
      observer: env.native.observerPid,
    });
    await lagWindow('bare', env.bare, {
      server: env.bare.relayPid,
      redis: env.primary.pid,
      'secondary redis': env.secondary.pid,
      observer: env.bare.observerPid,
    });
    await lagWindow('ours', env.ours, oursWatched);
    for (const count of parts.includes('ours') ? spreadCounts : []) {
      const target = await env.ours.spread(count, context.progress);
      const m = await measureLag(target, { ...schedule, prefix: `r${run}v${count}` }, pids(oursWatched));
      measured.spread.set(count, [...(measured.spread.get(count) ?? []), m]);
      context.progress(`run ${run}/${options.runs} ${spreadName(count)}: ${describeLag(m)}`);
    }
    if (parts.includes('throughput')) {
      const watched = pids(oursWatched);
      const m = await measureThroughput(
        env.ours,
        {
          prefix: `t${run}`,
          concurrency: options.connections,
          warmupMs: options.warmupS * 1000,
          durationMs: (options.durationExplicit ? options.durationS : THROUGHPUT_DEFAULT_S) * 1000,
          drainMs: THROUGHPUT_DRAIN_MS,
        },
        watched,
      );
      measured.throughput.push(m);
      context.progress(`run ${run}/${options.runs} max writes: ${describeThroughput(m)}`);
    }
  }
  return measured;
}

/** Seeds once (untimed), then resyncs an empty secondary `runs` times. */
async function measureResyncs(env: ReplicationEnvironment, context: SuiteContext): Promise<ResyncRuns> {
  const { options } = context;
  context.progress(`seeding ${options.resyncSecrets} secrets into the primary (not timed)…`);
  const seedMs = await seedResyncVault(env.primary, options.resyncSecrets, VALUE_BYTES, context.progress);
  context.progress(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
  const runs: ResyncMeasurement[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const m = await measureResync(env.primary, env.secondary, RESYNC_TIMEOUT_MS, context.progress);
    runs.push(m);
    context.progress(`run ${run}/${options.runs} ${NAMES.resync}: ${describeResync(m)}`);
  }
  return { secrets: options.resyncSecrets, seedMs, runs };
}

/** The processes whose CPU a window samples, by column name; a pid of 0 or null is left out. */
type Watched = Record<string, number | null>;

function pids(named: Watched): Record<string, number> {
  return Object.fromEntries(Object.entries(named).filter((e): e is [string, number] => (e[1] ?? 0) > 0));
}
