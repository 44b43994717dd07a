import type { CertificateClient } from '@azure/keyvault-certificates';
import type { KeyClient } from '@azure/keyvault-keys';
import { isRestError, type SecretClient } from '@azure/keyvault-secrets';
import { vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { API, type RawResponse, rawRequest, secretClient, shiftTime } from '../support/clients.ts';
import { keyClient } from '../support/key-clients.ts';
import { DEFAULT_VAULT, restartTestRegion, startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// Deletes and recovers take effect after a propagation delay (`delays.deleteRecoverMs`), as in the real
// service: meanwhile the object is in neither place, and the SDKs' delete and recover pollers wait it
// out. The delay is long (a simulated minute) and ended by shifting the region's clock, so nothing
// here depends on how fast the machine is.

const DELAY_SECONDS = 60;

let region: TestRegion;
let secrets: SecretClient;
let keys: KeyClient;
let certificates: CertificateClient;

beforeAll(async () => {
  region = await startTestRegion({
    externalDb: 3,
    node: { delays: { deleteRecoverMs: DELAY_SECONDS * 1000 } },
  });
  secrets = secretClient(region, 'admin');
  keys = keyClient(region, 'admin');
  certificates = certificateClient(region, 'admin');
});

afterAll(async () => {
  await region?.close();
});

/** What the tests need of an SDK poller: the public surface of every Key Vault LRO poller. */
interface Poller {
  isDone(): boolean;
  poll(): Promise<void>;
  toString(): string;
  pollUntilDone(): Promise<unknown>;
}

type PollerOptions = { intervalInMs: number; resumeFrom?: string };

/** One kind of object, driven through its own SDK client. */
interface Kind {
  title: 'Secret' | 'Key' | 'Certificate';
  collection: string;
  create(name: string): Promise<unknown>;
  beginDelete(name: string, options: PollerOptions): Promise<Poller>;
  beginRecover(name: string, options: PollerOptions): Promise<Poller>;
  /** The name the poller's result carries. */
  resultName(result: unknown): string | undefined;
}

const KINDS: Kind[] = [
  {
    title: 'Secret',
    collection: 'secrets',
    create: (name) => secrets.setSecret(name, 'value'),
    beginDelete: (name, options) => secrets.beginDeleteSecret(name, options),
    beginRecover: (name, options) => secrets.beginRecoverDeletedSecret(name, options),
    resultName: (result) => (result as { name?: string }).name,
  },
  {
    title: 'Key',
    collection: 'keys',
    create: (name) => keys.createEcKey(name),
    beginDelete: (name, options) => keys.beginDeleteKey(name, options),
    beginRecover: (name, options) => keys.beginRecoverDeletedKey(name, options),
    resultName: (result) => (result as { name?: string }).name,
  },
  {
    title: 'Certificate',
    collection: 'certificates',
    create: async (name) => {
      const poller = await certificates.beginCreateCertificate(
        name,
        { issuerName: 'Self', subject: `CN=${name}` },
        FAST_POLL,
      );
      return poller.pollUntilDone();
    },
    beginDelete: (name, options) => certificates.beginDeleteCertificate(name, options),
    beginRecover: (name, options) => certificates.beginRecoverDeletedCertificate(name, options),
    resultName: (result) => (result as { name?: string }).name,
  },
];

function get(path: string): Promise<RawResponse> {
  return rawRequest(region, { path: `${path}?${API}`, principal: 'admin' });
}

function errorOf(response: RawResponse): { code?: string; message?: string; innererror?: { code?: string } } {
  return (response.json as { error: { code?: string; message?: string } }).error;
}

/** Names in the first page of a list (the tests' vault holds a few objects of each kind). */
async function listed(path: string): Promise<string[]> {
  const response = await get(path);
  expect(response.status).toBe(200);
  const items = (response.json as { value: { id?: string; kid?: string; recoveryId?: string }[] }).value;
  return items.map((item) => (item.id ?? item.kid ?? '').split('/')[4] ?? '');
}

/** The object is neither live nor deleted: both GETs answer the real service's 404, neither list has it. */
async function expectInNeitherPlace(kind: Kind, name: string): Promise<void> {
  const live = await get(`/${kind.collection}/${name}`);
  expect(live.status).toBe(404);
  expect(errorOf(live).code).toBe(`${kind.title}NotFound`);
  const deleted = await get(`/deleted${kind.collection}/${name}`);
  expect(deleted.status).toBe(404);
  expect(errorOf(deleted)).toMatchObject({
    code: `${kind.title}NotFound`,
    message: `Deleted ${kind.title} not found: ${name}`,
  });
  expect(await listed(`/${kind.collection}`)).not.toContain(name);
  expect(await listed(`/deleted${kind.collection}`)).not.toContain(name);
}

describe.each(KINDS)('$title: delete and recover after the propagation delay', (kind) => {
  const name = `settling-${kind.collection}`;

  it('delete: in neither place until the delay passes; the poller waits, and one resumed from its state completes', async () => {
    await kind.create(name);
    const poller = await kind.beginDelete(name, FAST_POLL);
    // begin… sent the DELETE and polled the deleted object once: 404, so it keeps waiting.
    expect(poller.isDone()).toBe(false);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    await expectInNeitherPlace(kind, name);

    // What the real service answers to purge and recover while the deletion propagates.
    for (const method of ['DELETE', 'POST'] as const) {
      const path = `/deleted${kind.collection}/${name}${method === 'POST' ? '/recover' : ''}?${API}`;
      const response = await rawRequest(region, { method, path, principal: 'admin' });
      expect(response.status).toBe(409);
      expect(errorOf(response)).toMatchObject({
        code: 'Conflict',
        message: `${kind.title} is currently being deleted.`,
        innererror: { code: 'ObjectIsBeingDeleted' },
      });
    }

    const state = poller.toString();
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    const resumed = await kind.beginDelete(name, { ...FAST_POLL, resumeFrom: state });
    expect(kind.resultName(await resumed.pollUntilDone())).toBe(name);
    expect((await get(`/deleted${kind.collection}/${name}`)).status).toBe(200);
    expect(await listed(`/deleted${kind.collection}`)).toContain(name);
    expect((await get(`/${kind.collection}/${name}`)).status).toBe(404);
  });

  it('recover: in neither place until the delay passes; the poller waits, and one resumed from its state completes', async () => {
    const poller = await kind.beginRecover(name, FAST_POLL);
    // begin… read the live object (404), recovered, and polled the live object once: 404 again.
    expect(poller.isDone()).toBe(false);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    await expectInNeitherPlace(kind, name);
    const remove = await rawRequest(region, {
      method: 'DELETE',
      path: `/${kind.collection}/${name}?${API}`,
      principal: 'admin',
    });
    expect(remove.status).toBe(404);

    const state = poller.toString();
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    const resumed = await kind.beginRecover(name, { ...FAST_POLL, resumeFrom: state });
    expect(kind.resultName(await resumed.pollUntilDone())).toBe(name);
    expect((await get(`/${kind.collection}/${name}`)).status).toBe(200);
    expect(await listed(`/${kind.collection}`)).toContain(name);
    expect((await get(`/deleted${kind.collection}/${name}`)).status).toBe(404);
  });
});

describe('a new version of a name whose deletion propagates', () => {
  it.each([
    ['Secret', 'secrets', 'PUT', '', { value: 'again' }],
    ['Key', 'keys', 'POST', '/create', { kty: 'EC' }],
    [
      'Certificate',
      'certificates',
      'POST',
      '/create',
      { policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=r' } } },
    ],
  ])(
    '%s: 409 "currently being deleted", then "deleted but recoverable" once it shows',
    async (title, collection, method, suffix, body) => {
      const name = `recreated-${collection}`;
      const path = `/${collection}/${name}${suffix}?${API}`;
      const created = await rawRequest(region, { method, path, principal: 'admin', body });
      expect(created.status).toBe(title === 'Certificate' ? 202 : 200);
      const deleted = await rawRequest(region, {
        method: 'DELETE',
        path: `/${collection}/${name}?${API}`,
        principal: 'admin',
      });
      expect(deleted.status).toBe(200);
      const during = await rawRequest(region, { method, path, principal: 'admin', body });
      expect(during.status).toBe(409);
      expect(errorOf(during)).toMatchObject({
        code: 'Conflict',
        message: `${title} ${name} is currently being deleted and cannot be re-created; retry later.`,
        innererror: { code: 'ObjectIsBeingDeleted' },
      });
      await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
      const after = await rawRequest(region, { method, path, principal: 'admin', body });
      expect(after.status).toBe(409);
      expect(errorOf(after).innererror?.code).toBe('ObjectIsDeletedButRecoverable');
    },
  );
});

describe('a certificate in its window', () => {
  it('takes its managed key and secret with it: neither is readable while the deletion propagates, nor can its backup be restored', async () => {
    const name = 'settling-managed';
    await KINDS[2]?.create(name);
    const backup = await certificates.backupCertificate(name);
    const poller = await certificates.beginDeleteCertificate(name, FAST_POLL);
    expect(poller.isDone()).toBe(false);
    for (const collection of ['keys', 'secrets', 'deletedkeys', 'deletedsecrets']) {
      expect((await get(`/${collection}/${name}`)).status).toBe(404);
    }
    // A restore of its backup meanwhile: the real "being deleted" 409, as for a new version.
    const restore = await expectRestError(
      certificates.restoreCertificateBackup(backup ?? new Uint8Array()),
      409,
      'Conflict',
    );
    expect(restore.message).toBe(
      `Certificate ${name} is currently being deleted and cannot be re-created; retry later.`,
    );
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    await poller.pollUntilDone();
    expect((await get(`/deletedkeys/${name}`)).status).toBe(200);
    expect((await get(`/deletedsecrets/${name}`)).status).toBe(200);
  });
});

/** One kind of object for the purge window, driven through its own SDK client. */
interface PurgedKind {
  kind: Kind;
  /** Creates the object and answers a backup of it with the version the backup holds. */
  createWithBackup(name: string): Promise<{ backup: Uint8Array; version: string }>;
  purge(name: string): Promise<void>;
  restore(backup: Uint8Array): Promise<{ name: string; version?: string | undefined }>;
  /** The 409 message of a restore while the purge propagates, for a backup of `version`. */
  restoreConflict(name: string, version: string): string;
}

/** The real service's restore conflict (its recorded answer to a restore right after a purge). */
function recordedRestoreConflict(noun: string, id: string): string {
  return (
    `There was a conflict restoring the ${noun} '${id}'. This can happen if either: a second ${noun} with the same ` +
    `name was created after the first ${noun} was deleted; thus trying to restore a ${noun} whose name is already ` +
    `in use. To fix this, rename the second ${noun} to something else so that the restore works. The second ` +
    `probable cause of this exception is when multiple operations are performed in parallel against the ${noun}. ` +
    `To avoid this error, perform operations against a ${noun} in a sequential manner.`
  );
}

const [SECRETS, KEYS, CERTIFICATES] = KINDS as [Kind, Kind, Kind];

const PURGED_KINDS: PurgedKind[] = [
  {
    kind: SECRETS,
    createWithBackup: async (name) => {
      const secret = await secrets.setSecret(name, 'kept');
      return {
        backup: (await secrets.backupSecret(name)) as Uint8Array,
        version: secret.properties.version ?? '',
      };
    },
    purge: (name) => secrets.purgeDeletedSecret(name),
    restore: (backup) => secrets.restoreSecretBackup(backup),
    restoreConflict: (name, version) =>
      recordedRestoreConflict('secret', `${region.url}/secrets/${name}/${version}`),
  },
  {
    kind: KEYS,
    createWithBackup: async (name) => {
      const key = await keys.createEcKey(name);
      return { backup: (await keys.backupKey(name)) as Uint8Array, version: key.properties.version ?? '' };
    },
    purge: (name) => keys.purgeDeletedKey(name),
    restore: async (backup) => {
      const restored = await keys.restoreKeyBackup(backup);
      return { name: restored.name, version: restored.properties.version };
    },
    restoreConflict: (name, version) =>
      recordedRestoreConflict('key', `${region.url}/keys/${name}/${version}`),
  },
  {
    kind: CERTIFICATES,
    createWithBackup: async (name) => {
      const certificate = (await CERTIFICATES.create(name)) as { properties: { version?: string } };
      const backup = (await certificates.backupCertificate(name)) as Uint8Array;
      return { backup, version: certificate.properties.version ?? '' };
    },
    purge: async (name) => {
      await certificates.purgeDeletedCertificate(name);
    },
    restore: async (backup) => {
      const restored = await certificates.restoreCertificateBackup(backup);
      return { name: restored.name, version: restored.properties.version };
    },
    // The SDK's certificate backup sample retries a restore after a purge while it says "conflict
    // restoring the certificate": the same words as for secrets and keys.
    restoreConflict: (name, version) =>
      recordedRestoreConflict('certificate', `${region.url}/certificates/${name}/${version}`),
  },
];

describe.each(PURGED_KINDS)('$kind.title: a purge frees the name after the propagation delay', (purged) => {
  const { kind } = purged;
  const name = `purged-${kind.collection}`;

  it('the purged object is in neither place, its name is taken, and "retry the restore until it passes" restores it', async () => {
    const { backup, version } = await purged.createWithBackup(name);
    const deleting = await kind.beginDelete(name, FAST_POLL);
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    await deleting.pollUntilDone();
    await purged.purge(name);

    // The purge answered: the deleted object is gone from its GET and its list, and cannot be purged again.
    await expectInNeitherPlace(kind, name);
    const again = await rawRequest(region, {
      method: 'DELETE',
      path: `/deleted${kind.collection}/${name}?${API}`,
      principal: 'admin',
    });
    expect(again.status).toBe(404);

    // But the name is still taken: a new version and a restore are refused.
    const recreate = await expectRestError(kind.create(name), 409, 'Conflict');
    expect(recreate.message).toBe(
      `${kind.title} ${name} is currently being deleted and cannot be re-created; retry later.`,
    );
    expect(innerCode(recreate)).toBe('ObjectIsBeingDeleted');
    const restore = await expectRestError(purged.restore(backup), 409, 'Conflict');
    expect(restore.message).toBe(purged.restoreConflict(name, version));
    if (kind !== CERTIFICATES) expect(innerCode(restore)).toBeUndefined();

    // The SDKs' own pattern: purge, then retry the restore until it passes. Here each retry comes half a
    // window later on the simulated clock, so the third attempt is the first after the window.
    let attempts = 0;
    let restored: { name: string; version?: string | undefined } | undefined;
    while (!restored) {
      attempts++;
      try {
        restored = await purged.restore(backup);
      } catch (error) {
        if (!isRestError(error) || error.statusCode !== 409 || attempts >= 5) throw error;
        await shiftTime(region, { seconds: DELAY_SECONDS / 2 });
      }
    }
    expect(attempts).toBe(3);
    expect(restored).toMatchObject({ name, version });
    expect((await get(`/${kind.collection}/${name}`)).status).toBe(200);
    expect(await listed(`/${kind.collection}`)).toContain(name);
  });
});

describe('a certificate purge', () => {
  it('takes the names of its managed key and secret too, for the same window', async () => {
    const name = 'purged-managed';
    await CERTIFICATES.create(name);
    const deleting = await certificates.beginDeleteCertificate(name, FAST_POLL);
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    await deleting.pollUntilDone();
    await certificates.purgeDeletedCertificate(name);

    const secret = await expectRestError(secrets.setSecret(name, 'mine now'), 409, 'Conflict');
    expect(secret.message).toBe(
      `Secret ${name} is currently being deleted and cannot be re-created; retry later.`,
    );
    const key = await expectRestError(keys.createEcKey(name), 409, 'Conflict');
    expect(key.message).toBe(`Key ${name} is currently being deleted and cannot be re-created; retry later.`);

    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    expect((await secrets.setSecret(name, 'mine now')).value).toBe('mine now');
    expect((await keys.createEcKey(name)).name).toBe(name);
  });
});

// Last in the file: it replaces the region's node.
describe('a purge window across a restart', () => {
  it('is stored state: the restarted node still refuses the name until its own clock passes the moment', async () => {
    const name = 'purged-restart';
    await secrets.setSecret(name, 'before');
    const deleting = await secrets.beginDeleteSecret(name, FAST_POLL);
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    await deleting.pollUntilDone();
    await secrets.purgeDeletedSecret(name);

    region = await restartTestRegion(region, { delays: { deleteRecoverMs: DELAY_SECONDS * 1000 } });
    secrets = secretClient(region, 'admin');
    const refused = await expectRestError(secrets.setSecret(name, 'after'), 409, 'Conflict');
    expect(innerCode(refused)).toBe('ObjectIsBeingDeleted');

    // The new node's clock starts without the old one's shifts: move it just past the stored moment.
    const moment = await region.redis
      .storeClient()
      .hget(`${vaultPrefix(DEFAULT_VAULT)}o:secret:${name}`, 'purgeSettles');
    expect(Number(moment)).toBeGreaterThan(Date.now());
    await shiftTime(region, { seconds: Math.ceil((Number(moment) - Date.now()) / 1000) + 1 });
    expect((await secrets.setSecret(name, 'after')).value).toBe('after');
  });
});
