import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { registerLoadTarget, targetsDir } from './prometheus-target.ts';

describe('registerLoadTarget', () => {
  it('writes load-<pid>.json for file_sd in a folder it creates, and nothing else, then removes it', async () => {
    const dir = await tempDir('vaultover-targets-');
    onCleanup(dir.remove);
    const dataDir = join(dir.path, 'state');
    const target = await registerLoadTarget(dataDir, '127.0.0.1:40123');
    expect(target.file).toBe(join(dataDir, 'prometheus', 'targets', `load-${process.pid}.json`));
    expect(JSON.parse(await readFile(target.file, 'utf8'))).toEqual([
      { targets: ['127.0.0.1:40123'], labels: { job: 'vaultover-load' } },
    ]);
    expect(await readdir(targetsDir(dataDir))).toEqual([`load-${process.pid}.json`]);
    await target.remove();
    await expect(access(target.file)).rejects.toThrow();
    // Removing twice (an error path after a normal end) is harmless.
    await target.remove();
  });
});
