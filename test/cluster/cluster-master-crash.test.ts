import { isRestError, type SecretClient } from '@azure/keyvault-secrets';
import { pollUntil } from '@vaultover/testkit';
import { vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// kill -9 of one master of a region's clustered store while clients write: the cluster promotes its
// replica, and no write the region acknowledged is lost, because a commit is acknowledged only once the
// master's replica holds it (docs/architecture.md, "Redis Cluster"). On loopback a replica is rarely
// behind at the moment of a crash, so this run would seldom catch a missing WAIT by itself:
// cluster-store.test.ts shows the WAIT refusing a write its replica did not confirm.

const VAULTS = Array.from({ length: 6 }, (_, i) => `crash${i}`);
const WRITERS = 4;
/** Acknowledged writes to the crashed master's vault wanted before the crash, and after its node is back. */
const WANTED = 20;
/**
 * The writes before the crash, the promotion (5–6 s here, up to 30 s allowed), the restart, the writes
 * after it and the read-back, on a machine as busy as a whole test run makes it.
 */
const TEST_TIMEOUT_MS = 120_000;

interface Ack {
  vault: string;
  name: string;
  version: string;
  value: string;
}

let region: TestRegion;

beforeAll(async () => {
  region = await startTestRegion({
    externalDb: 0, // not read: the store is an embedded cluster of its own
    store: { cluster: true },
    extraVaults: VAULTS.map((name) => ({ name })),
  });
}, 60_000);

afterAll(async () => {
  await region?.close();
});

/** Clients that write until stopped, each write a new secret version, recording what was acknowledged. */
function startWriters(clients: ReadonlyMap<string, SecretClient>) {
  const acks: Ack[] = [];
  const failures = new Map<string, number>();
  let stopped = false;
  let sequence = 0;
  const writer = async (id: number) => {
    while (!stopped) {
      const n = sequence++;
      const vault = VAULTS[n % VAULTS.length] as string;
      const name = `w${id}`;
      const value = `write ${n} by ${id}`;
      try {
        const secret = await (clients.get(vault) as SecretClient).setSecret(name, value);
        acks.push({ vault, name, version: secret.properties.version as string, value });
      } catch (error) {
        // Refused or unanswered while the master was down or without its replica: not acknowledged.
        const kind = isRestError(error) ? String(error.statusCode ?? error.code) : 'no answer';
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
      }
    }
  };
  const running = Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id)));
  return {
    acks,
    failures,
    ackedIn: (vault: string) => acks.filter((ack) => ack.vault === vault).length,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe('a clustered store under writes, when a master is killed', () => {
  it(
    'promotes its replica and loses no acknowledged write',
    async () => {
      const cluster = region.redis.cluster;
      if (!cluster) throw new Error('the store is not a cluster');
      const target = VAULTS[0] as string;
      const clients = new Map(
        VAULTS.map((vault) => [vault, secretClient(region, 'admin', region.vaultUrl(vault))]),
      );
      const writers = startWriters(clients);
      try {
        await pollUntil(
          `${WANTED} writes to ${target} are acknowledged`,
          () => writers.ackedIn(target) >= WANTED,
          {
            timeoutMs: 20_000,
          },
        );
        const killed = await cluster.killMasterOf(`${vaultPrefix(target)}props`);
        const beforeRestart = writers.ackedIn(target);
        await cluster.restartNode(killed);
        await pollUntil(
          `${WANTED} more writes to ${target} are acknowledged after its old master is back as a replica`,
          () => writers.ackedIn(target) >= beforeRestart + WANTED,
          { timeoutMs: 20_000 },
        );
        const layout = await cluster.layout();
        expect(layout.nodes.find((node) => node.port === killed)?.role).toBe('replica');
      } finally {
        await writers.stop();
      }

      // Every acknowledged write is there, in the version that was acknowledged.
      const lost: Ack[] = [];
      for (const ack of writers.acks) {
        const read = await (clients.get(ack.vault) as SecretClient).getSecret(ack.name, {
          version: ack.version,
        });
        if (read.value !== ack.value) lost.push(ack);
      }
      expect(lost).toEqual([]);
      expect(writers.acks.length).toBeGreaterThan(2 * WANTED);
    },
    TEST_TIMEOUT_MS,
  );
});
