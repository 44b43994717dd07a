import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../test-support/cli-process.ts';

describe('vaultover demo', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'vaultover-demo-test-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('tells the whole story through the real SDK, every step checked, and exits 0', async () => {
    const demo = startCli(['demo'], cwd);
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
    // The demo keeps its deployment private: nothing is left in the working directory.
    expect(out).not.toContain(cwd);
  });
});
