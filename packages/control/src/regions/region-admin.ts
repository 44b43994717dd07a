import { Agent, request } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import {
  type HealthFault,
  type ModeAssignment,
  REGION_ADMIN_PATHS,
  type RegionMode,
} from '@vaultover/contract';
import { VaultError } from '@vaultover/vault';

/** The region nodes' admin endpoints the control process drives, with an administrator's token. */
export interface RegionAdmin {
  /** Tells a region its mode at an epoch (best effort; regions also poll). */
  setMode(url: string, mode: RegionMode, epoch: number): Promise<void>;
  /** Makes the region's `/health` fail (or answer again). */
  setHealth(url: string, fail: boolean): Promise<void>;
}

/**
 * A region's admin endpoint refused or could not be reached: not the control process's failure, so the
 * control API answers it 502 `BadGateway` (a health fault for a region that is down), not 500.
 */
export class RegionAdminError extends VaultError {
  constructor(message: string) {
    super(502, 'BadGateway', message);
  }
}

export interface HttpsRegionAdminOptions {
  ca: string | Buffer;
  credential: TokenCredential;
  timeoutMs?: number;
}

export function httpsRegionAdmin(options: HttpsRegionAdminOptions): RegionAdmin {
  const agent = new Agent({ keepAlive: true, ca: options.ca, maxSockets: 4 });
  const post = async (url: string, path: string, body: unknown): Promise<void> => {
    const token = await options.credential.getToken('https://vault.azure.net/.default');
    if (!token) throw new RegionAdminError('no token for the region admin endpoint');
    const payload = JSON.stringify(body);
    await new Promise<void>((resolve, reject) => {
      const req = request(
        new URL(path, url),
        {
          method: 'POST',
          agent,
          signal: AbortSignal.timeout(options.timeoutMs ?? 1000),
          headers: {
            authorization: `Bearer ${token.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 300) return resolve();
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
            reject(new RegionAdminError(`${path} at ${url} answered ${status}: ${text}`));
          });
        },
      );
      req.on('error', (error) => reject(new RegionAdminError(`${path} at ${url}: ${error.message}`)));
      req.end(payload);
    });
  };
  return {
    setMode: (url, mode, epoch) =>
      post(url, REGION_ADMIN_PATHS.mode, { mode, epoch } satisfies ModeAssignment),
    setHealth: (url, fail) => post(url, REGION_ADMIN_PATHS.health, { fail } satisfies HealthFault),
  };
}
