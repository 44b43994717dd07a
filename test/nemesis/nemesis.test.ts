import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningUp, startUp } from '@vaultover/cli/test-support';
import { FAULT_KINDS, type NemesisReport, nemesisDeploymentConfig, runNemesis } from '@vaultover/nemesis';
import { beforeAll, describe, expect, it } from 'vitest';

// The history checker under a nemesis (docs/reliability.md#the-history-checker), short and seeded: real
// SDK clients through the global endpoint while region nodes, their Redis and the control process are
// killed, the regions partitioned, fault rules added and failovers forced; then the history is checked,
// under each replication mode. The long run is `scripts/bench nemesis --minutes N`.

const SECONDS = Number(process.env.VAULTOVER_NEMESIS_SECONDS ?? 20);
const SEED = Number(process.env.VAULTOVER_NEMESIS_SEED ?? 13);
const VERBOSE = process.env.VAULTOVER_NEMESIS_VERBOSE !== undefined;

/** Starts a deployment in `mode`, runs the nemesis against it, stops it: the run's report. */
async function nemesisRun(mode: 'sync' | 'async'): Promise<NemesisReport> {
  const cwd = await mkdtemp(join(tmpdir(), `vaultover-nemesis-${mode}-`));
  let up: RunningUp | undefined;
  try {
    up = await startUp(cwd, 90_000, nemesisDeploymentConfig(mode));
    const { endpoints } = up;
    const report = await runNemesis({
      target: {
        ...endpoints,
        control: endpoints.control as string,
        endpointsFile: join(cwd, '.vaultover', 'endpoints.json'),
      },
      mode,
      durationMs: SECONDS * 1000,
      seed: SEED,
      holdMs: [500, 2000],
      // Half the bench's rate: the rest of the suite runs beside it.
      pauseMs: 50,
      ...(VERBOSE ? { say: (line: string) => console.log(`[${mode}] ${line}`) } : {}),
    });
    if (VERBOSE) console.log(JSON.stringify({ ...report, faults: undefined }));
    return report;
  } finally {
    await up?.stop();
    await rm(cwd, { recursive: true, force: true });
  }
}

/** A run of at least one round of faults takes about a minute; the deadline leaves room for a slow machine. */
const RUN_TIMEOUT_MS = 120_000 + SECONDS * 3000;

describe.each(['async', 'sync'] as const)(
  `a nemesis run of ${SECONDS} s (seed ${SEED}), %s replication`,
  (mode) => {
    let report: NemesisReport;
    beforeAll(async () => {
      report = await nemesisRun(mode);
    }, RUN_TIMEOUT_MS);

    it('injected every kind of fault, and failed over', () => {
      expect(Object.keys(report.faultsByKind).sort()).toEqual([...FAULT_KINDS].sort());
      expect(report.failovers.checked).toBeGreaterThanOrEqual(2);
      // The partition before a forced failover: the count of what it lost is exact.
      expect(report.failovers.exact).toBeGreaterThanOrEqual(1);
    });

    it('recorded every kind of operation, with answers of every outcome', () => {
      expect(Object.keys(report.operations.byKind).sort()).toEqual(
        ['crypto', 'delete', 'list', 'read', 'recover', 'write'].sort(),
      );
      expect(report.operations.ok).toBeGreaterThan(300);
      expect(report.operations.fail).toBeGreaterThan(0);
      expect(report.operations.unknown).toBeGreaterThan(0);
    });

    it('lost what the mode allows: nothing in sync mode, only what was reported in async mode', () => {
      if (mode === 'sync') expect(report.failovers.reportedLost).toBe(0);
      else expect(report.failovers.reportedLost).toBeGreaterThan(0);
    });

    it('the history checker finds nothing', () => {
      expect(report.anomalies).toEqual([]);
    });
  },
);
