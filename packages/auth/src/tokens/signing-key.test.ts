import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningKey, readSigningKey } from './index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vo-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const execFileAsync = promisify(execFile);

async function keyFromChildProcess(dataDir: string): Promise<string> {
  const script = `
    import { ensureSigningKey } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};
    console.log(Buffer.from(await ensureSigningKey(${JSON.stringify(dataDir)})).toString('hex'));
  `;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script]);
  return stdout.trim();
}

describe('ensureSigningKey', () => {
  it('creates 32 random bytes, readable by the owner only, once', async () => {
    const key = await ensureSigningKey(join(dir, 'data'));
    expect(key).toHaveLength(32);
    expect((await stat(join(dir, 'data', 'token.key'))).mode & 0o777).toBe(0o600);
    expect(await ensureSigningKey(join(dir, 'data'))).toEqual(key);
    expect(await readSigningKey(join(dir, 'data'))).toEqual(key);
  });

  it('gives concurrent callers in one process the same key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => ensureSigningKey(dir)));
    expect(new Set(keys.map((key) => Buffer.from(key).toString('hex'))).size).toBe(1);
  });

  it('gives processes starting together the same key', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => keyFromChildProcess(dir)));
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(await readSigningKey(dir)).toString('hex')).toBe(keys[0]);
  });

  it('refuses a key file of the wrong length instead of signing with it', async () => {
    await writeFile(join(dir, 'token.key'), 'short');
    await expect(ensureSigningKey(dir)).rejects.toThrow(/holds 5 bytes, expected 32/);
  });
});

describe('readSigningKey', () => {
  it('says where it looked when there is no key, rather than making one', async () => {
    await expect(readSigningKey(dir)).rejects.toThrow(join(dir, 'token.key'));
  });
});
