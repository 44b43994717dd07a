import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../test-support/cli-process.ts';

// Whole deployments of real processes: on a busy 2-core machine a start alone can take seconds.
describe('vaultover demo', { timeout: 90_000 }, () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'vaultover-demo-test-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('plays a failover and a failback through the global endpoint, every step checked, and exits 0', async () => {
    const demo = startCli(['demo'], cwd);
    const code = await demo.exited;
    const out = demo.stdout();
    expect(code, demo.stderr()).toBe(0);
    const steps = out.split('\n').filter((line) => /^\s+\d+ {2}/.test(line));
    expect(steps).toHaveLength(12);
    const outcomes = out.split('\n').filter((line) => /[✓✗]/.test(line));
    expect(outcomes.filter((line) => line.includes('✓'))).toHaveLength(12);
    expect(out).not.toContain('✗');
    expect(out).toContain('served by westeurope (read-write)');
    expect(out).toContain('served by northeurope (read-only)');
    expect(out).toContain(
      'refused: 503 ServiceUnavailable "Operation "SecretSet" is unavailable: the service is currently in a read-only state."',
    );
    expect(out).toMatch(/saw 503 ServiceUnavailable; northeurope serves now/);
    // The timeline: every transition once, in order, and the figures a failover is judged by.
    const transitions = [
      ...out.matchAll(/\+\d+\.\d+ s {2}(normal|failing-over|failed-over|failing-back) \(epoch (\d+)\)/g),
    ];
    expect(transitions.map((m) => `${m[1]}@${m[2]}`)).toEqual([
      'failing-over@2',
      'failed-over@3',
      'failing-back@4',
      'normal@5',
    ]);
    expect(out).toMatch(/reads unavailable \(RTO\) \d+\.\d+ s/);
    expect(out).toMatch(/writes unavailable {6}\d+\.\d+ s/);
    expect(out).toMatch(/RPO {21}0 acknowledged changes lost/);
    expect(out).toContain('Every step answered as the real service would');
    expect(out).not.toContain(cwd);
  });

  it("tells one vault's story with --story vault", async () => {
    const demo = startCli(['demo', '--story', 'vault'], cwd);
    const code = await demo.exited;
    const out = demo.stdout();
    expect(code, demo.stderr()).toBe(0);
    const steps = out.split('\n').filter((line) => /^\s+\d+ {2}/.test(line));
    expect(steps).toHaveLength(10);
    for (const step of steps) expect(step).toContain('✓');
    expect(out).toContain('get → 403 Forbidden (ForbiddenByRbac)');
    expect(out).toContain('set → 409 Conflict (ObjectIsDeletedButRecoverable)');
    expect(out).toMatch(/purged \d+ ms after the time shift/);
    expect(out).toContain('Every step answered as the real service would');
    expect(out).not.toContain(cwd);
  });
});
