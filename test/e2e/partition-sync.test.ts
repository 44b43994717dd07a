import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '@vaultover/cli/test-support';
import { type ScenarioSummary, SHIPPED_SCENARIOS_DIR } from '@vaultover/scenario';
import { afterAll, beforeAll, expect, it } from 'vitest';

// partition-during-writes ships in async mode, where the cut link loses acknowledged writes and the RPO
// counts them. The same scenario in sync mode must lose none: the primary acknowledges only what the
// secondary applied, so the writes behind the cut are refused (503) instead of lost.

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-partition-sync-'));
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

it('partition-during-writes in sync mode loses no acknowledged write', { timeout: 180_000 }, async () => {
  const shipped = await readFile(join(SHIPPED_SCENARIOS_DIR, 'partition-during-writes.yaml'), 'utf8');
  const expectations = shipped.slice(shipped.indexOf('\nexpect:'));
  const sync = shipped
    .replace('name: partition-during-writes', 'name: partition-during-writes-sync')
    .replace('replication: { mode: async }', 'replication: { mode: sync }')
    .replace(
      expectations,
      [
        '\nexpect:',
        '  - failovers == 1',
        '  - rpo == 0',
        '  - acknowledged_writes_missing == 0',
        '  - clients.writer.failed > 0',
        '',
      ].join('\n'),
    );
  expect(sync).toContain('mode: sync');
  const file = join(cwd, 'partition-sync.yaml');
  await writeFile(file, sync);
  const out = join(cwd, 'run');
  const run = await runCliProcess(['scenario', 'run', file, '--quick', '--out', out], cwd);
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as ScenarioSummary;
  expect(summary).toMatchObject({ verdict: 'pass', acknowledgedWritesMissing: 0, failovers: 1 });
  // Writes were refused behind the cut, not lost: the writer saw them fail.
  expect(summary.clients.writer?.errorsByCode.ServiceUnavailable).toBeGreaterThan(0);
});
