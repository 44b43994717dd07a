import { readFile } from 'node:fs/promises';
import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import { type Clock, seededRandom, systemClock } from '@vaultover/foundation';
import { type Anomaly, checkHistory, type ReportedLoss } from '@vaultover/history';
import {
  type ControlEvent,
  DeploymentApi,
  lossWindows,
  type NemesisTarget,
  type RpoJson,
} from './deployment-api.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { type FaultKind, type InjectedFault, Nemesis } from './nemesis.ts';
import { type ProcessResources, processResources } from './process-resources.ts';
import { readState, readWrittenVersions, untilServed } from './state-reader.ts';
import { registerKey, startWorkload } from './workload.ts';

const SCOPE = 'https://vault.azure.net/.default';

export interface NemesisRunOptions {
  target: NemesisTarget;
  /** The deployment's replication mode: what the checker holds the run to. */
  mode: 'sync' | 'async';
  durationMs: number;
  seed: number;
  clients?: number;
  keys?: number;
  holdMs?: readonly [number, number];
  /** Each client's pause between operations, ms (default 20: four clients then make some 150 a second). */
  pauseMs?: number;
  clock?: Clock;
  say?: (line: string) => void;
}

/** What a run did and what the checker found. */
export interface NemesisReport {
  seed: number;
  mode: 'sync' | 'async';
  operations: { total: number; ok: number; fail: number; unknown: number; byKind: Record<string, number> };
  faults: InjectedFault[];
  faultsByKind: Partial<Record<FaultKind, number>>;
  /** Failovers whose promoted secondary was read, those held to an exact count, and what they reported. */
  failovers: { checked: number; exact: number; reportedLost: number };
  anomalies: Anomaly[];
  /**
   * The region nodes' memory and descriptors, by region, after each round of faults (every node has been
   * killed and started again by then) and at the run's end.
   */
  resources: { rounds: Record<string, ProcessResources>[]; end: Record<string, ProcessResources> };
}

/**
 * One nemesis run against a deployment started by the caller: the workload through the global endpoint
 * under the fault schedule for `durationMs`, then every fault healed, the deployment back in `normal`,
 * its state read, and the history checked (docs/reliability.md#the-history-checker).
 */
export async function runNemesis(options: NemesisRunOptions): Promise<NemesisReport> {
  const clock = options.clock ?? systemClock;
  const random = seededRandom(options.seed);
  const ca = await readFile(options.target.caFile, 'utf8');
  const admin = new VaultoverCredential({ principal: 'admin', dataDir: options.target.dataDir });
  const officer = new VaultoverCredential({ principal: 'officer', dataDir: options.target.dataDir });
  const api = new DeploymentApi(options.target, ca, async () => (await admin.getToken(SCOPE))?.token ?? '');
  const keys = options.keys ?? 6;
  const keyNames = Array.from({ length: keys }, (_, n) => registerKey(n));
  // The state is read with the SDK's own retries: the reader must not be what fails.
  const reader = new SecretClient(options.target.gateway, officer, {
    tlsOptions: { ca },
    disableChallengeResourceVerification: true,
  });
  const resourcesNow = async () => {
    const { regions } = await api.pids();
    const found: Record<string, ProcessResources> = {};
    for (const [region, pid] of Object.entries(regions)) {
      const resources = await processResources(pid);
      if (resources) found[region] = resources;
    }
    return found;
  };
  const eventsBefore = (await api.events()).at(-1)?.id;
  const rounds: Record<string, ProcessResources>[] = [];
  const recorder = new HistoryRecorder(clock);
  const workload = await startWorkload({
    vaultUrl: options.target.gateway,
    ca,
    credential: officer,
    clients: options.clients ?? 4,
    keys,
    pauseMs: options.pauseMs ?? 20,
    timeoutMs: 5000,
    mode: options.mode,
    random,
    clock,
    recorder,
  });
  const nemesis = new Nemesis({
    api,
    clock,
    random,
    holdMs: options.holdMs ?? [1000, 4000],
    readSecondary: (since, promotedAt) => {
      const writes = recorder.operations.filter(
        (op) =>
          op.kind === 'write' && op.outcome === 'ok' && op.invokedAt >= since && op.invokedAt < promotedAt,
      );
      return untilServed(() => readWrittenVersions(reader, writes), clock);
    },
    kill: (pid) => process.kill(pid, 'SIGKILL'),
    say: options.say,
    onRound: async () => {
      rounds.push(await resourcesNow());
    },
  });
  try {
    await nemesis.run(clock.now() + options.durationMs);
  } finally {
    await workload.stop();
  }
  options.say?.('faults healed; reading the final state');
  const final = await untilServed(() => readState(reader, keyNames), clock);
  const reported = netLoss(await api.events(eventsBefore));
  const history = recorder.operations;
  const anomalies = checkHistory(history, {
    mode: options.mode,
    final,
    reported,
    failovers: nemesis.failovers,
  });
  return {
    seed: options.seed,
    mode: options.mode,
    operations: {
      total: history.length,
      ok: history.filter((op) => op.outcome === 'ok').length,
      fail: history.filter((op) => op.outcome === 'fail').length,
      unknown: history.filter((op) => op.outcome === 'unknown').length,
      byKind: countBy(history.map((op) => op.kind)),
    },
    faults: nemesis.faults,
    faultsByKind: countBy(nemesis.faults.map((fault) => fault.kind)),
    failovers: {
      checked: nemesis.failovers.length,
      exact: nemesis.failovers.filter((failover) => failover.reported.accuracy === 'exact').length,
      reportedLost: nemesis.failovers.reduce((sum, failover) => sum + failover.reported.changes, 0),
    },
    anomalies,
    resources: { rounds, end: await resourcesNow() },
  };
}

/**
 * What the run's failovers reported lost net of what their failbacks recovered, from the control events:
 * each promotion's `rpo` and each failback's `recoveredChanges`. The windows are every promotion's.
 */
function netLoss(events: readonly ControlEvent[]): ReportedLoss {
  let changes = 0;
  const windows: { from: number; to: number }[] = [];
  for (const event of events) {
    if (event.kind !== 'transition') continue;
    const rpo = event.details.rpo as RpoJson | undefined;
    if (rpo) {
      changes += rpo.lostChanges;
      windows.push(...lossWindows(rpo));
    }
    if (typeof event.details.recoveredChanges === 'number') changes -= event.details.recoveredChanges;
  }
  return { changes, windows };
}

function countBy<K extends string>(keys: readonly K[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
