import { randomBytes } from 'node:crypto';
import { link, open, rm } from 'node:fs/promises';

/**
 * Creates `path` (mode 0600) holding `content` unless it exists. Processes racing to create it all end
 * with the first one's content: each writes a complete temp file and hard-links it into place, which
 * fails when the file exists, so nobody ever reads a half-written file. For a deployment's keys.
 */
export async function createFileOnce(path: string, content: Uint8Array | string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
}
