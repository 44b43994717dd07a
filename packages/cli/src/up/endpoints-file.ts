import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Endpoints } from '../topology/endpoints.ts';

/**
 * Where the endpoints JSON goes: `.vaultover/endpoints.json` in `cwd`
 * (docs/design.md#ready-line-and-endpoints-file).
 */
export function endpointsPath(cwd: string): string {
  return join(cwd, '.vaultover', 'endpoints.json');
}

/** Writes the file atomically: readers see the old file or the whole new one, never a torn one. */
export async function writeEndpointsFile(path: string, endpoints: Endpoints): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(endpoints, null, 2)}\n`);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The `pid` recorded in the file, or undefined when there is no readable file. */
export async function readEndpointsPid(path: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // missing, half-written or not ours: there is no pid to report
  }
}

/** Removes the file if it still describes process `pid`: a newer `up` may have replaced it. */
export async function removeEndpointsFile(path: string, pid: number): Promise<void> {
  if ((await readEndpointsPid(path)) === pid) await rm(path, { force: true });
}
