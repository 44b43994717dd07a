import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../test-support/cli-process.ts';

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-token-'));
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('vaultover token', () => {
  it('prints only a token on stdout, creating the signing key when missing', async () => {
    const { code, stdout, stderr } = await runCliProcess(['token', 'admin', '--ttl', '60'], cwd);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = JSON.parse(Buffer.from(stdout.split('.')[1] as string, 'base64url').toString());
    expect(claims.sub).toBe('admin');
    expect(claims.exp - claims.iat).toBe(60);
    expect((await stat(join(cwd, '.vaultover', 'token.key'))).size).toBe(32);
  });

  it('exits 2 listing the known principals for an unknown one', async () => {
    const { code, stdout, stderr } = await runCliProcess(['token', 'nobody'], cwd);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'vaultover: unknown principal "nobody"; known principals: admin, officer, app, reader\n',
    );
  });

  it('uses the principals of the config file', async () => {
    await writeFile(join(cwd, 'ci.yaml'), 'principals:\n  ci: { roles: [Key Vault Secrets User] }\n');
    expect((await runCliProcess(['token', 'ci', '--config', 'ci.yaml'], cwd)).code).toBe(0);
    const { code, stderr } = await runCliProcess(['token', 'admin', '-c', 'ci.yaml'], cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('known principals: ci');
  });

  it('exits 2 on a bad --ttl', async () => {
    const { code, stderr } = await runCliProcess(['token', 'admin', '--ttl', 'soon'], cwd);
    expect(code).toBe(2);
    // Commander words the line around it; the reason is ours.
    expect(stderr).toContain('--ttl');
    expect(stderr).toContain('expected a positive integer');
  });
});
