import type { RedisClient } from '@vaultover/foundation/redis';
import { ackKey, checkpointKey } from '@vaultover/replication';
import { eventually, pollUntil } from '@vaultover/testkit';
import { logKeys, VAULT_INDEX_KEY, vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { opensslCa, opensslCertificate } from '../support/certificate-files.ts';
import { rawRequest, secretClient } from '../support/clients.ts';
import { keyClient } from '../support/key-clients.ts';
import { dumpKeys, type KeyDump } from '../support/redis-dump.ts';
import { DEFAULT_VAULT, type TestRegion } from '../support/region.ts';
import {
  converged,
  type RegionPair,
  replicationStatus,
  SECONDARY,
  startRegionPair,
} from '../support/region-pair.ts';

// Replication converges, end to end through two in-process region nodes (test/support/region-pair.ts):
// what the real SDKs write at the primary ends up in the secondary's Redis byte for byte, through the
// streaming path and through a full resync forced by trimming while the link is partitioned.

/** The secondary's `vaultover_replication_resyncs_total`, read from its /metrics. */
async function resyncsTotal(secondary: TestRegion): Promise<number> {
  const response = await rawRequest(secondary, { path: '/metrics' });
  expect(response.status).toBe(200);
  const match = /^vaultover_replication_resyncs_total\{region="([^"]*)"\} (\d+)$/m.exec(response.text);
  expect(match?.[1]).toBe(SECONDARY);
  return Number(match?.[2]);
}

/** One stored key as comparable text: hash fields, zset members (with scores), set members, string value. */
interface StoredKey {
  type: string;
  fields: Record<string, string>;
}

/** Hex unless the bytes are printable UTF-8 (object documents are JSON): readable failure messages. */
function text(bytes: Buffer): string {
  const s = bytes.toString('utf8');
  const printable = [...s].every((c) => c === '\n' || c === '\t' || (c.codePointAt(0) ?? 0) >= 0x20);
  return printable && Buffer.from(s, 'utf8').equals(bytes) ? s : `hex:${bytes.toString('hex')}`;
}

function stored(dump: KeyDump): StoredKey {
  const fields: Record<string, string> = {};
  const parts = dump.parts.map(text);
  switch (dump.type) {
    case 'hash':
    case 'zset':
      for (let i = 0; i + 1 < parts.length; i += 2) fields[parts[i] as string] = parts[i + 1] as string;
      break;
    case 'set':
      for (const member of parts) fields[member] = '';
      break;
    case 'string':
      fields.value = parts[0] ?? '';
      break;
    default:
      parts.forEach((part, i) => {
        fields[String(i)] = part;
      });
  }
  return { type: dump.type, fields };
}

/**
 * A vault's stored state in one region, by key relative to the vault prefix, without replication's own
 * bookkeeping, which legitimately differs: the change stream and position counter (written by the
 * primary's commits only), the secondary's acknowledgement on the primary and the checkpoint on the
 * secondary. Plus the vault index, which the secondary maintains from applied vault lifecycle entries.
 * Returns the bookkeeping keys it left out too, so that a test can check the exclusions name real keys.
 */
async function storedState(
  redis: RedisClient,
  vault: string,
): Promise<{ state: Map<string, StoredKey>; excluded: string[] }> {
  const prefix = vaultPrefix(vault);
  const log = logKeys(vault);
  const bookkeeping = new Set([log.stream, log.position, ackKey(vault, SECONDARY), checkpointKey(vault)]);
  const state = new Map<string, StoredKey>();
  const excluded: string[] = [];
  for (const dump of await dumpKeys(redis, `${prefix}*`)) {
    if (bookkeeping.has(dump.key)) excluded.push(dump.key.slice(prefix.length));
    else state.set(dump.key.slice(prefix.length), stored(dump));
  }
  for (const dump of await dumpKeys(redis, VAULT_INDEX_KEY)) state.set(dump.key, stored(dump));
  return { state, excluded };
}

/** The names of a kind's stored objects (`o:<kind>:<name>` keys), sorted. */
function objectNames(state: Map<string, StoredKey>, kind: string): string[] {
  const prefix = `o:${kind}:`;
  return [...state.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

/** The version fields (`v:<id>`) of one stored object. */
function versionsOf(state: Map<string, StoredKey>, key: string): string[] {
  return Object.keys(state.get(key)?.fields ?? {}).filter((field) => field.startsWith('v:'));
}

/** Every difference between two stored states, each naming the key and the field. */
function differences(primary: Map<string, StoredKey>, secondary: Map<string, StoredKey>): string[] {
  const found: string[] = [];
  for (const key of [...new Set([...primary.keys(), ...secondary.keys()])].sort()) {
    const p = primary.get(key);
    const s = secondary.get(key);
    if (!p || !s) {
      found.push(`key ${key}: only on the ${p ? 'primary' : 'secondary'}`);
      continue;
    }
    if (p.type !== s.type) {
      found.push(`key ${key}: type ${p.type} on the primary, ${s.type} on the secondary`);
      continue;
    }
    for (const field of [...new Set([...Object.keys(p.fields), ...Object.keys(s.fields)])].sort()) {
      const pv = p.fields[field];
      const sv = s.fields[field];
      if (pv !== sv) {
        found.push(
          `key ${key} field ${field}: primary ${pv === undefined ? '(absent)' : JSON.stringify(pv)}, ` +
            `secondary ${sv === undefined ? '(absent)' : JSON.stringify(sv)}`,
        );
      }
    }
  }
  return found;
}

/** Runs `tasks` with at most `width` in flight. */
async function inParallel(width: number, tasks: (() => Promise<unknown>)[]): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
}

describe('mixed SDK operations at the primary', () => {
  let pair: RegionPair;

  beforeAll(async () => {
    pair = await startRegionPair({ secondaries: [SECONDARY], trimIntervalMs: 200 });
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('converge: lag 0, equal digests, and the secondary stores every object field by field as the primary does', async () => {
    const { primary, secondary } = pair;
    const secrets = secretClient(primary, 'admin');
    const keys = keyClient(primary, 'admin');
    const certificates = certificateClient(primary, 'admin');
    const soon = new Date(Date.now() + 30 * 86_400_000);

    // Secrets: several versions, property updates, soft delete + recover, delete + purge, backup + restore.
    for (let i = 0; i < 12; i++) await secrets.setSecret(`secret-${i}`, `value-${i}-1`);
    for (let i = 0; i < 8; i += 2) {
      await secrets.setSecret(`secret-${i}`, `value-${i}-2`, { contentType: 'text/plain', tags: { v: '2' } });
    }
    const third = await secrets.setSecret('secret-0', 'value-0-3', { expiresOn: soon, enabled: true });
    await secrets.updateSecretProperties('secret-0', third.properties.version as string, {
      tags: { owner: 'team-a', env: 'test' },
      enabled: false,
      expiresOn: new Date(Date.now() + 60 * 86_400_000),
      notBefore: new Date(Date.now() - 86_400_000),
    });
    const firstOfTwo = (await secrets.getSecret('secret-2')).properties.version as string;
    await secrets.updateSecretProperties('secret-2', firstOfTwo, { contentType: 'application/json' });
    for (let i = 8; i < 12; i++) {
      await secrets.updateSecretProperties(`secret-${i}`, '', { tags: { batch: String(i) } });
      await secrets.setSecret(`secret-${i}`, `value-${i}-2`, { notBefore: new Date(Date.now() - 60_000) });
    }
    await secrets.updateSecretProperties('secret-3', '', { tags: { rotated: 'no' } });
    await (await secrets.beginDeleteSecret('secret-1', FAST_POLL)).pollUntilDone();
    await (await secrets.beginRecoverDeletedSecret('secret-1', FAST_POLL)).pollUntilDone();
    await (await secrets.beginDeleteSecret('secret-5', FAST_POLL)).pollUntilDone();
    await secrets.purgeDeletedSecret('secret-5');
    await (await secrets.beginDeleteSecret('secret-7', FAST_POLL)).pollUntilDone(); // stays soft-deleted
    const secretBackup = await secrets.backupSecret('secret-4');
    await (await secrets.beginDeleteSecret('secret-4', FAST_POLL)).pollUntilDone();
    await secrets.purgeDeletedSecret('secret-4');
    await secrets.restoreSecretBackup(secretBackup as Uint8Array);

    // Keys: RSA and EC, new versions by create and by rotate, a rotation policy, properties, delete,
    // delete + purge, backup + restore.
    await keys.createRsaKey('key-rsa', { keySize: 2048 });
    await keys.createEcKey('key-ec', { curve: 'P-256' });
    await keys.createEcKey('key-ec-384', { curve: 'P-384', tags: { curve: '384' } });
    await keys.createRsaKey('key-rsa', { keySize: 3072, keyOps: ['sign', 'verify'] });
    await keys.rotateKey('key-rsa');
    await keys.updateKeyRotationPolicy('key-rsa', {
      lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P30D' }],
      expiresIn: 'P90D',
    });
    await keys.updateKeyProperties('key-ec', { tags: { use: 'signing' }, enabled: false, expiresOn: soon });
    await keys.createEcKey('key-back', { curve: 'P-521' });
    await (await keys.beginDeleteKey('key-back', FAST_POLL)).pollUntilDone();
    await (await keys.beginRecoverDeletedKey('key-back', FAST_POLL)).pollUntilDone();
    await (await keys.beginDeleteKey('key-ec-384', FAST_POLL)).pollUntilDone();
    await keys.createEcKey('key-temp', { curve: 'P-256K' });
    await (await keys.beginDeleteKey('key-temp', FAST_POLL)).pollUntilDone();
    await keys.purgeDeletedKey('key-temp');
    await keys.createRsaKey('key-moved', { keySize: 2048 });
    const keyBackup = await keys.backupKey('key-moved');
    await (await keys.beginDeleteKey('key-moved', FAST_POLL)).pollUntilDone();
    await keys.purgeDeletedKey('key-moved');
    await keys.restoreKeyBackup(keyBackup as Uint8Array);

    // Certificates: self-signed through the poller, an imported PKCS#12, a property update.
    await (
      await certificates.beginCreateCertificate(
        'cert-self',
        { issuerName: 'Self', subject: 'CN=self.example' },
        FAST_POLL,
      )
    ).pollUntilDone();
    const made = opensslCertificate('/CN=imported.example', ['-newkey', 'rsa:2048'], 'pfx-pass');
    await certificates.importCertificate('cert-imported', made.pfx, {
      password: 'pfx-pass',
      tags: { src: 'pfx' },
    });
    await certificates.updateCertificateProperties('cert-self', '', { tags: { team: 'web' } });
    await certificates.updateCertificatePolicy('cert-self', {
      issuerName: 'Self',
      subject: 'CN=self.example',
      validityInMonths: 6,
    });
    await (
      await certificates.beginCreateCertificate(
        'cert-self',
        { issuerName: 'Self', subject: 'CN=self.example' },
        FAST_POLL,
      )
    ).pollUntilDone(); // a second version
    await (await certificates.beginDeleteCertificate('cert-imported', FAST_POLL)).pollUntilDone();
    await (await certificates.beginRecoverDeletedCertificate('cert-imported', FAST_POLL)).pollUntilDone();
    // Issuer Unknown: the waiting version and operation, a cancellation request, then the merge.
    await certificates.beginCreateCertificate('cert-merged', { issuerName: 'Unknown', subject: 'CN=merged' });
    const operation = await certificates.getCertificateOperation('cert-merged');
    await operation.cancelOperation();
    const ca = opensslCa('/CN=replication CA');
    try {
      const csr = operation.getOperationState().certificateOperation?.csr ?? new Uint8Array();
      await certificates.mergeCertificate('cert-merged', [ca.sign(csr), ca.certificate.raw]);
    } finally {
      ca.close();
    }

    const { primary: p } = await converged(pair);
    expect(p.lastPosition).toBeGreaterThanOrEqual(60);
    // The streaming path did it all: no snapshot was needed.
    expect(await resyncsTotal(secondary)).toBe(0);

    const primaryStored = await storedState(primary.redis.storeClient(), DEFAULT_VAULT);
    const secondaryRedis = secondary.redis.storeClient();
    const secondaryStored = await storedState(secondaryRedis, DEFAULT_VAULT);
    // The exclusions name real keys: the primary's log, counter and this secondary's acknowledgement;
    // the secondary's checkpoint and nothing else (it has no log or counter of its own).
    expect(primaryStored.excluded.sort()).toEqual(['log', 'pos', `repl:ack:${SECONDARY}`]);
    expect(secondaryStored.excluded).toEqual(['repl:checkpoint']);
    const onPrimary = primaryStored.state;
    const onSecondary = secondaryStored.state;

    // Non-trivial: every object the operations left behind is there (purged ones are not), with its versions.
    expect(objectNames(onPrimary, 'secret')).toEqual(
      [
        'cert-imported',
        'cert-merged',
        'cert-self',
        ...[0, 1, 10, 11, 2, 3, 4, 6, 7, 8, 9].map((i) => `secret-${i}`),
      ].sort(),
    );
    expect(objectNames(onPrimary, 'key')).toEqual(
      [
        'cert-imported',
        'cert-merged',
        'cert-self',
        'key-back',
        'key-ec',
        'key-ec-384',
        'key-moved',
        'key-rsa',
      ].sort(),
    );
    expect(objectNames(onPrimary, 'certificate')).toEqual(['cert-imported', 'cert-merged', 'cert-self']);
    expect(versionsOf(onPrimary, 'o:secret:secret-0')).toHaveLength(3);
    expect(versionsOf(onPrimary, 'o:key:key-rsa')).toHaveLength(3);
    expect(versionsOf(onPrimary, 'o:certificate:cert-self')).toHaveLength(2);
    expect(versionsOf(onPrimary, 'o:certificate:cert-merged')).toHaveLength(2); // waiting, then merged
    expect(onPrimary.get('o:secret:secret-7')?.fields).toHaveProperty('deleted');
    expect(onPrimary.get('o:key:key-ec-384')?.fields).toHaveProperty('deleted');
    expect(onPrimary.get('o:secret:secret-1')?.fields).not.toHaveProperty('deleted');

    // Field by field, every difference named; then the whole structure.
    expect(differences(onPrimary, onSecondary)).toEqual([]);
    expect(onSecondary).toEqual(onPrimary);

    // The comparison (and the digest) can fail: alter one version document of the secondary's copy.
    const victim = `${vaultPrefix(DEFAULT_VAULT)}o:secret:secret-0`;
    const field = versionsOf(onSecondary, 'o:secret:secret-0')[0] as string;
    const original = (await secondaryRedis.hgetBuffer(victim, field)) as Buffer;
    await secondaryRedis.hset(victim, field, '{"tampered":true}');
    try {
      const tampered = (await storedState(secondaryRedis, DEFAULT_VAULT)).state;
      expect(differences(onPrimary, tampered)).toEqual([
        `key o:secret:secret-0 field ${field}: primary ${JSON.stringify(onPrimary.get('o:secret:secret-0')?.fields[field])}, secondary ${JSON.stringify('{"tampered":true}')}`,
      ]);
      const [p2, s2] = [await replicationStatus(primary), await replicationStatus(secondary)];
      expect(s2.digests[DEFAULT_VAULT]).not.toBe(p2.digests[DEFAULT_VAULT]);
    } finally {
      await secondaryRedis.hset(victim, field, original);
    }
    await converged(pair);
  }, 60_000);
});

describe('trimming while the secondary is partitioned', () => {
  const HARD_CAP = 50;
  let pair: RegionPair;

  beforeAll(async () => {
    pair = await startRegionPair({ secondaries: [SECONDARY], trimIntervalMs: 100, hardCap: HARD_CAP });
  }, 60_000);

  afterAll(async () => {
    pair?.proxy.removeAllToxics();
    await pair?.close();
  });

  it('forces a full resync that converges, with every secret written during the partition', async () => {
    const { primary, secondary, proxy } = pair;
    const secrets = secretClient(primary, 'admin');
    const primaryRedis = primary.redis.storeClient();
    const secondaryRedis = secondary.redis.storeClient();
    const log = logKeys(DEFAULT_VAULT);
    const checkpoint = async () =>
      Number((await secondaryRedis.hget(checkpointKey(DEFAULT_VAULT), 'position')) ?? 0);

    for (let i = 0; i < 10; i++) await secrets.setSecret(`before-${i}`, `value-${i}`);
    await converged(pair);
    const resyncsBefore = await resyncsTotal(secondary);
    expect(resyncsBefore).toBe(0);

    // A partition hangs the link (nothing answers, nothing is refused) in both directions.
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    const during = Array.from({ length: 4 * HARD_CAP }, (_, i) => `during-${i}`);
    await inParallel(
      8,
      during.map((name) => () => secrets.setSecret(name, `${name}-value`)),
    );
    // The hard cap trims what the secondary never acknowledged: the entry right after its checkpoint is gone.
    let trimmedPast = { first: 0, checkpoint: 0 };
    await pollUntil(
      "the primary's stream is trimmed past the secondary's checkpoint",
      async () => {
        const [first] = (await primaryRedis.xrange(log.stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
        const position = first ? Number(first[0].split('-')[0]) : 0;
        trimmedPast = { first: position, checkpoint: await checkpoint() };
        return position > trimmedPast.checkpoint + 1;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(await primaryRedis.xlen(log.stream)).toBeLessThan(during.length);
    // Still partitioned: the secondary has not applied the writes of the partition.
    expect(await checkpoint()).toBe(trimmedPast.checkpoint);
    expect(Number(await primaryRedis.get(log.position))).toBeGreaterThan(trimmedPast.checkpoint + HARD_CAP);

    proxy.removeToxic('partition');
    await eventually(async () => expect(await resyncsTotal(secondary)).toBeGreaterThan(resyncsBefore), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const { primary: p, secondary: s } = await converged(pair);
    expect(await resyncsTotal(secondary)).toBe(resyncsBefore + 1);
    expect(s.lastAppliedPosition).toBe(Number(await primaryRedis.get(log.position)));
    expect(p.lastPosition).toBe(s.lastAppliedPosition);
    expect(await checkpoint()).toBe(s.lastAppliedPosition);

    // Every secret of the partition is on the secondary, live, and the stored state equals the primary's.
    const onSecondary = (await storedState(secondaryRedis, DEFAULT_VAULT)).state;
    const live = await secondaryRedis.zrange(`${vaultPrefix(DEFAULT_VAULT)}i:secret`, '0', '-1');
    for (const name of [...during, ...Array.from({ length: 10 }, (_, i) => `before-${i}`)]) {
      expect(onSecondary.has(`o:secret:${name}`), name).toBe(true);
      expect(live, name).toContain(name);
    }
    const onPrimary = (await storedState(primaryRedis, DEFAULT_VAULT)).state;
    expect(differences(onPrimary, onSecondary)).toEqual([]);
  }, 60_000);
});
