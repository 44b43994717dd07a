import type { LinkProxy } from '@vaultover/link-proxy';
import { eventually } from '@vaultover/testkit';
import { vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest } from '../support/clients.ts';
import { DEFAULT_VAULT, type TestRegion } from '../support/region.ts';
import {
  PRIMARY,
  type RegionPair,
  replicationStatus,
  SECONDARY,
  startRegionPair,
} from '../support/region-pair.ts';

// Sync replication mode: a primary and a standby secondary in-process (as in replication-node.test.ts),
// the secondary pulling through a link proxy. In sync mode a write is answered 200 only once the
// secondary applied it, and 503 when the secondary did not acknowledge it within syncTimeoutMs.

const SYNC_TIMEOUT_MS = 500;

let primary: TestRegion;
let secondary: TestRegion;
let proxy: LinkProxy;
let pair: RegionPair;

beforeAll(async () => {
  pair = await startRegionPair({ secondaries: [SECONDARY], mode: 'sync', syncTimeoutMs: SYNC_TIMEOUT_MS });
  ({ primary, secondary, proxy } = pair);
}, 60_000);

afterAll(async () => {
  await pair?.close();
});

/** Sets a secret at the primary with one raw request (no SDK retries of a 503). */
function setSecret(name: string, value: string) {
  return rawRequest(primary, {
    method: 'PUT',
    path: `/secrets/${name}?${API}`,
    principal: 'admin',
    body: { value },
  });
}

/** The version the secondary's own Redis holds as the secret's latest, read directly. */
async function secondaryHead(name: string): Promise<string | null> {
  return secondary.redis.storeClient().hget(`${vaultPrefix(DEFAULT_VAULT)}o:secret:${name}`, 'head');
}

function versionOf(json: unknown): string {
  const id = (json as { id: string }).id;
  return id.slice(id.lastIndexOf('/') + 1);
}

async function digests(side: TestRegion): Promise<Record<string, string>> {
  return (await replicationStatus(side)).digests;
}

describe('sync replication', () => {
  const acknowledged = new Map<string, string>();

  it('answers a write only once the secondary has applied it', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await setSecret(`sync-${i % 5}`, `value-${i}`);
      expect(response.status).toBe(200);
      const version = versionOf(response.json);
      // Right after the 200, before any waiting: the secondary already holds this version.
      expect(await secondaryHead(`sync-${i % 5}`)).toBe(version);
      acknowledged.set(`sync-${i % 5}`, version);
    }
  });

  it('fails a write with 503 after syncTimeoutMs when the link is cut, and converges once healed', async () => {
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    let failed: Awaited<ReturnType<typeof setSecret>>;
    try {
      const started = performance.now();
      failed = await setSecret('during-partition', 'unacknowledged');
      expect(performance.now() - started).toBeGreaterThanOrEqual(SYNC_TIMEOUT_MS - 5);
    } finally {
      proxy.removeToxic('partition');
    }
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message:
          `The write was committed in region ${PRIMARY} but not replicated to ${SECONDARY} within ` +
          `${SYNC_TIMEOUT_MS} ms (sync replication); it is not acknowledged. Retry, or check the replication link.`,
      },
    });
    const metrics = await rawRequest(primary, { path: '/metrics' });
    expect(metrics.text).toMatch(/vaultover_replication_sync_timeouts_total\{region="westeurope"\} [1-9]/);

    // Healed: the secondary catches up (the failed write was committed on the primary, so it arrives too).
    await eventually(
      async () => {
        expect(await digests(secondary)).toEqual(await digests(primary));
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const after = await setSecret('after-heal', 'v');
    expect(after.status).toBe(200);
    acknowledged.set('after-heal', versionOf(after.json));

    // Nothing acknowledged is missing on the secondary.
    for (const [name, version] of acknowledged) expect(await secondaryHead(name), name).toBe(version);
  }, 60_000);
});
