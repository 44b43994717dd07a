import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningUp, startUp } from '@vaultover/cli/test-support';
import { FAULT_KINDS, type NemesisReport, nemesisDeploymentConfig, runNemesis } from '@vaultover/nemesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The history checker under a nemesis (docs/reliability.md#the-history-checker), short and seeded: real
// SDK clients through the global endpoint while region nodes, their Redis and the control process are
// killed, the regions partitioned, fault rules added and failovers forced; then the history is checked.
// The long run is `scripts/bench nemesis --minutes N`.

const SECONDS = Number(process.env.VAULTOVER_NEMESIS_SECONDS ?? 50);
const SEED = Number(process.env.VAULTOVER_NEMESIS_SEED ?? 13);

let cwd: string;
let up: RunningUp | undefined;
let report: NemesisReport;

beforeAll(
  async () => {
    cwd = await mkdtemp(join(tmpdir(), 'vaultover-nemesis-'));
    up = await startUp(cwd, 90_000, nemesisDeploymentConfig('async'));
    const { endpoints } = up;
    report = await runNemesis({
      target: {
        gateway: endpoints.gateway,
        control: endpoints.control as string,
        caFile: endpoints.caFile,
        dataDir: endpoints.dataDir,
        links: endpoints.links,
        endpointsFile: join(cwd, '.vaultover', 'endpoints.json'),
      },
      mode: 'async',
      durationMs: SECONDS * 1000,
      seed: SEED,
      holdMs: [500, 2000],
      // Half the bench's rate: the rest of the suite runs beside it.
      pauseMs: 50,
      ...(process.env.VAULTOVER_NEMESIS_VERBOSE ? { say: (line: string) => console.log(line) } : {}),
    });
    if (process.env.VAULTOVER_NEMESIS_VERBOSE) console.log(JSON.stringify({ ...report, faults: undefined }));
  },
  60_000 + SECONDS * 3000,
);

afterAll(async () => {
  await up?.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe(`a nemesis run of ${SECONDS} s (seed ${SEED}), async replication`, () => {
  it('injected every kind of fault, and failed over', () => {
    expect(Object.keys(report.faultsByKind).sort()).toEqual([...FAULT_KINDS].sort());
    expect(report.failovers.checked).toBeGreaterThanOrEqual(2);
    expect(report.failovers.exact).toBeGreaterThanOrEqual(1);
  });

  it('recorded every kind of operation, with answers of every outcome', () => {
    expect(Object.keys(report.operations.byKind).sort()).toEqual(
      ['crypto', 'delete', 'list', 'read', 'recover', 'write'].sort(),
    );
    expect(report.operations.ok).toBeGreaterThan(500);
    expect(report.operations.fail).toBeGreaterThan(0);
    expect(report.operations.unknown).toBeGreaterThan(0);
  });

  it('the history checker finds nothing', () => {
    expect(report.anomalies).toEqual([]);
  });
});
