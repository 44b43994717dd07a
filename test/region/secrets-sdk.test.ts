import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { DEFAULT_TENANT_ID } from '@vaultover/auth';
import { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from '@vaultover/region';
import { eventually } from '@vaultover/testkit';
import { ensureTlsMaterial } from '@vaultover/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOptions, credentialFor, loopbackLookup, secretClient, shiftTime } from '../support/clients.ts';
import { keyClient } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// End to end with the real SecretClient of @azure/keyvault-secrets against a running region node:
// challenge flow, TLS with the region's CA, pollers, paging, RBAC, soft delete and its expiry.

const DAY = 86_400;
/** The SDK's delete/recover pollers wait 2 s between polls unless told otherwise. */
const FAST_POLL = { intervalInMs: 10 };

let region: TestRegion;
let admin: SecretClient;

beforeAll(async () => {
  region = await startTestRegion({
    externalDb: 1,
    extraVaults: [
      { name: 'pages' },
      { name: 'resume' },
      { name: 'versioned' },
      { name: 'retain7', retentionDays: 7 },
      { name: 'guarded', retentionDays: 7, purgeProtection: true },
    ],
  });
  admin = secretClient(region, 'admin');
});

afterAll(async () => {
  await region?.close();
});

describe('SecretClient: values and versions', () => {
  it('sets and gets the latest version and a given one, and lists the versions', async () => {
    const first = await admin.setSecret('alpha', 'first value', {
      contentType: 'text/plain',
      tags: { a: '1' },
    });
    const second = await admin.setSecret('alpha', 'second value');
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(first.properties.id).toBe(`${region.url}/secrets/alpha/${first.properties.version}`);
    expect(first.properties).toMatchObject({
      enabled: true,
      contentType: 'text/plain',
      tags: { a: '1' },
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    });

    const latest = await admin.getSecret('alpha');
    expect(latest.value).toBe('second value');
    expect(latest.properties.version).toBe(second.properties.version);
    const older = await admin.getSecret('alpha', { version: first.properties.version });
    expect(older.value).toBe('first value');
    expect(older.properties.contentType).toBe('text/plain');

    const versions: string[] = [];
    for await (const properties of admin.listPropertiesOfSecretVersions('alpha')) {
      expect(properties.name).toBe('alpha');
      expect(properties.id).toBe(`${region.url}/secrets/alpha/${properties.version}`);
      expect(properties).not.toHaveProperty('value');
      versions.push(properties.version ?? '');
    }
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
  });

  it('answers 404 SecretNotFound for a name that was never set, and for an unknown version', async () => {
    const error = await expectRestError(admin.getSecret('never-set'), 404, 'SecretNotFound');
    expect(error.message).toContain('A secret with (name/id) never-set was not found in this key vault.');
    await admin.setSecret('known', 'v');
    await expectRestError(admin.getSecret('known', { version: '0'.repeat(32) }), 404, 'SecretNotFound');
  });

  it('lists no versions of a name that was never set, nor of a deleted secret (the real service answers an empty page)', async () => {
    const versionsOf = async (name: string) => {
      const versions: string[] = [];
      for await (const properties of admin.listPropertiesOfSecretVersions(name))
        versions.push(properties.version ?? '');
      return versions;
    };
    expect(await versionsOf('never-listed')).toEqual([]);
    await admin.setSecret('listed-then-deleted', 'v');
    expect(await versionsOf('listed-then-deleted')).toHaveLength(1);
    await (await admin.beginDeleteSecret('listed-then-deleted', FAST_POLL)).pollUntilDone();
    expect(await versionsOf('listed-then-deleted')).toEqual([]);
  });

  it('pages the list with maxPageSize 2, following each nextLink until the last page', async () => {
    const requested: string[] = [];
    const recorder: PipelinePolicy = {
      name: 'record-urls',
      sendRequest: (request, next) => {
        requested.push(request.url);
        return next(request);
      },
    };
    const pagesUrl = region.vaultUrl('pages');
    const client = secretClient(region, 'admin', pagesUrl, {
      additionalPolicies: [{ policy: recorder, position: 'perCall' }],
    });
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) await client.setSecret(name, `value of ${name}`);
    requested.length = 0;

    const pages: string[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) {
      pages.push(page.map((p) => p.name));
    }
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(names);

    // The first request asks for 2; every later one is the server's nextLink, on the vault's own host.
    const listCalls = requested.filter((url) => new URL(url).pathname === '/secrets');
    expect(listCalls).toHaveLength(3);
    expect(new URL(listCalls[0] ?? '').searchParams.get('maxresults')).toBe('2');
    for (const url of listCalls.slice(1)) {
      const parsed = new URL(url);
      expect(parsed.origin).toBe(pagesUrl);
      expect(parsed.searchParams.get('$skiptoken')).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(parsed.searchParams.get('maxresults')).toBe('2');
    }
  });
});

describe('SecretClient: properties and disabled secrets', () => {
  it('updates tags, contentType and enabled; a disabled secret is 403 Forbidden on get', async () => {
    const created = await admin.setSecret('props', 'hidden when disabled');
    const version = created.properties.version ?? '';
    const updated = await admin.updateSecretProperties('props', version, {
      tags: { team: 'payments', tier: 'gold' },
      contentType: 'application/json',
      enabled: false,
    });
    expect(updated).toMatchObject({
      name: 'props',
      version,
      enabled: false,
      contentType: 'application/json',
      tags: { team: 'payments', tier: 'gold' },
    });
    expect(updated).not.toHaveProperty('value');

    const error = await expectRestError(admin.getSecret('props'), 403, 'Forbidden');
    expect(error.message).toBe('Operation get is not allowed on a disabled secret.');
    expect(innerCode(error)).toBe('SecretDisabled');

    // The properties stay readable, and re-enabling brings the value back.
    const listed = [];
    for await (const properties of admin.listPropertiesOfSecrets()) {
      if (properties.name === 'props') listed.push(properties);
    }
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ enabled: false, tags: { team: 'payments', tier: 'gold' } });
    await admin.updateSecretProperties('props', version, { enabled: true });
    expect((await admin.getSecret('props')).value).toBe('hidden when disabled');
  });
});

describe('SecretClient: soft delete, recover, purge, backup and restore', () => {
  it('deletes with the poller, shows the deleted secret, refuses its name, and recovers it', async () => {
    await admin.setSecret('doomed', 'still here after recovery', { tags: { keep: 'me' } });
    const deletePoller = await admin.beginDeleteSecret('doomed', FAST_POLL);
    const deleted = await deletePoller.pollUntilDone();
    expect(deleted.name).toBe('doomed');
    expect(deleted.properties.recoveryId).toBe(`${region.url}/deletedsecrets/doomed`);
    const deletedOn = deleted.properties.deletedOn?.getTime() ?? 0;
    const purgeOn = deleted.properties.scheduledPurgeDate?.getTime() ?? 0;
    expect(purgeOn - deletedOn).toBe(90 * DAY * 1000);

    const fetched = await admin.getDeletedSecret('doomed');
    expect(fetched.properties).toMatchObject({ name: 'doomed', tags: { keep: 'me' } });
    expect(fetched.value).toBeUndefined();
    const listed: string[] = [];
    for await (const item of admin.listDeletedSecrets()) listed.push(item.name);
    expect(listed).toContain('doomed');

    await expectRestError(admin.getSecret('doomed'), 404, 'SecretNotFound');
    const conflict = await expectRestError(admin.setSecret('doomed', 'new value'), 409, 'Conflict');
    expect(conflict.message).toContain('is currently in a deleted but recoverable state');
    expect(innerCode(conflict)).toBe('ObjectIsDeletedButRecoverable');

    const recoverPoller = await admin.beginRecoverDeletedSecret('doomed', FAST_POLL);
    const recovered = await recoverPoller.pollUntilDone();
    expect(recovered.name).toBe('doomed');
    expect((await admin.getSecret('doomed')).value).toBe('still here after recovery');
    await expectRestError(admin.getDeletedSecret('doomed'), 404, 'SecretNotFound');
  });

  it('purges a deleted secret, restores it from a backup, and refuses a restore over a live name', async () => {
    const v1 = await admin.setSecret('phoenix', 'first');
    const v2 = await admin.setSecret('phoenix', 'second');
    const backup = await admin.backupSecret('phoenix');
    expect(backup).toBeInstanceOf(Uint8Array);
    expect(backup?.length).toBeGreaterThan(0);

    // Restoring while the name is live: 409, in the real service's words, naming the backup's latest version
    // by its full id on this vault's origin, without an innererror (as its recorded answers have it).
    const conflict = await expectRestError(admin.restoreSecretBackup(backup as Uint8Array), 409, 'Conflict');
    expect(conflict.message).toBe(
      `There was a conflict restoring the secret '${region.url}/secrets/phoenix/${v2.properties.version}'. ` +
        'This can happen if either: a second secret with the same name was created after the first secret was ' +
        'deleted; thus trying to restore a secret whose name is already in use. To fix this, rename the second ' +
        'secret to something else so that the restore works. The second probable cause of this exception is when ' +
        'multiple operations are performed in parallel against the secret. To avoid this error, perform ' +
        'operations against a secret in a sequential manner.',
    );
    expect(innerCode(conflict)).toBeUndefined();

    await (await admin.beginDeleteSecret('phoenix', FAST_POLL)).pollUntilDone();
    // ... and while it is soft-deleted: 409 too.
    await expectRestError(admin.restoreSecretBackup(backup as Uint8Array), 409, 'Conflict');
    await admin.purgeDeletedSecret('phoenix');
    await expectRestError(admin.getDeletedSecret('phoenix'), 404, 'SecretNotFound');
    await expectRestError(admin.getSecret('phoenix'), 404, 'SecretNotFound');

    const restored = await admin.restoreSecretBackup(backup as Uint8Array);
    expect(restored).toMatchObject({ name: 'phoenix', version: v2.properties.version });
    expect((await admin.getSecret('phoenix')).value).toBe('second');
    expect((await admin.getSecret('phoenix', { version: v1.properties.version })).value).toBe('first');
  });

  it("refuses malformed backup bytes with 400 and the real service's message", async () => {
    const error = await expectRestError(admin.restoreSecretBackup(new Uint8Array(4728)), 400, 'BadParameter');
    expect(error.message).toBe('Backup blob contains invalid or corrupt version.');
    // A backup of another kind is no secret backup either.
    const keys = keyClient(region, 'admin');
    await keys.createEcKey('not-a-secret');
    const keyBackup = (await keys.backupKey('not-a-secret')) as Uint8Array;
    const other = await expectRestError(admin.restoreSecretBackup(keyBackup), 400, 'BadParameter');
    expect(other.message).toBe('Backup blob contains invalid or corrupt version.');
  });
});

describe('SecretClient: role-based access', () => {
  it('lets reader list properties but not read values', async () => {
    await admin.setSecret('rbac-target', 'for apps only');
    const reader = secretClient(region, 'reader');
    const error = await expectRestError(reader.getSecret('rbac-target'), 403, 'Forbidden');
    expect(innerCode(error)).toBe('ForbiddenByRbac');
    expect(error.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    const names: string[] = [];
    for await (const properties of reader.listPropertiesOfSecrets()) names.push(properties.name);
    expect(names).toContain('rbac-target');
  });

  it('lets app read values but not delete', async () => {
    await admin.setSecret('app-secret', 'app can read');
    const app = secretClient(region, 'app');
    expect((await app.getSecret('app-secret')).value).toBe('app can read');
    const error = await expectRestError(app.beginDeleteSecret('app-secret', FAST_POLL), 403, 'Forbidden');
    expect(innerCode(error)).toBe('ForbiddenByRbac');
    expect((await admin.getSecret('app-secret')).value).toBe('app can read');
  });

  it('lets officer delete but not purge (a special permission); admin may purge', async () => {
    const officer = secretClient(region, 'officer');
    await officer.setSecret('officer-secret', 'x');
    await (await officer.beginDeleteSecret('officer-secret', FAST_POLL)).pollUntilDone();
    const error = await expectRestError(officer.purgeDeletedSecret('officer-secret'), 403, 'Forbidden');
    expect(innerCode(error)).toBe('ForbiddenByRbac');
    expect((await admin.getDeletedSecret('officer-secret')).name).toBe('officer-secret');
    await admin.purgeDeletedSecret('officer-secret');
    await expectRestError(admin.getDeletedSecret('officer-secret'), 404, 'SecretNotFound');
  });
});

describe('SecretClient: TLS to <vault>.localhost', () => {
  it('verifies the certificate: a client trusting another CA is refused', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'vaultover-test-other-ca-'));
    try {
      const other = await ensureTlsMaterial({ dir: otherDir });
      const client = secretClient(region, 'admin', region.vaultUrl('pages'), {
        agent: new https.Agent({ ca: other.caPem, lookup: loopbackLookup, keepAlive: false }),
      });
      await expect(client.getSecret('page-a')).rejects.toMatchObject({
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      });
      // The same route with the region's CA works, so the refusal above was the CA's doing.
      expect((await secretClient(region, 'admin', region.vaultUrl('pages')).getSecret('page-a')).value).toBe(
        'value of page-a',
      );
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

// Shifts the region's clock by 8 days, so it runs last in this file.
describe('soft-delete retention under simulated time', () => {
  it('refuses purge in a purge-protected vault, then the scheduled purge ends the retention of 7 days', async () => {
    const retain7 = secretClient(region, 'admin', region.vaultUrl('retain7'));
    const guarded = secretClient(region, 'admin', region.vaultUrl('guarded'));
    await retain7.setSecret('short-lived', 'gone after a week');
    await guarded.setSecret('protected', 'cannot be purged early');
    await admin.setSecret('long-lived', 'kept for 90 days');

    const deleted = await (await retain7.beginDeleteSecret('short-lived', FAST_POLL)).pollUntilDone();
    expect(deleted.properties).toMatchObject({
      recoveryLevel: 'CustomizedRecoverable+Purgeable',
      recoverableDays: 7,
    });
    const purgeOn = deleted.properties.scheduledPurgeDate?.getTime() ?? 0;
    expect(purgeOn - (deleted.properties.deletedOn?.getTime() ?? 0)).toBe(7 * DAY * 1000);
    await (await guarded.beginDeleteSecret('protected', FAST_POLL)).pollUntilDone();
    await (await admin.beginDeleteSecret('long-lived', FAST_POLL)).pollUntilDone();

    const refused = await expectRestError(guarded.purgeDeletedSecret('protected'), 403, 'Forbidden');
    expect(refused.message).toContain('purge protection is enabled for this vault');
    expect((await guarded.getDeletedSecret('protected')).properties.recoveryLevel).toBe(
      'CustomizedRecoverable',
    );

    const shifted = await shiftTime(region, { days: 8 });
    expect(shifted.offsetSeconds).toBeGreaterThanOrEqual(8 * DAY - 1);
    expect(shifted.rescheduledPurges).toBeGreaterThanOrEqual(3);

    // The BullMQ purge jobs run on their own: wait (with a deadline) until both are gone.
    await eventually(async () => {
      await expectRestError(retain7.getDeletedSecret('short-lived'), 404, 'SecretNotFound');
      await expectRestError(guarded.getDeletedSecret('protected'), 404, 'SecretNotFound');
    });
    const reborn = await retain7.setSecret('short-lived', 'a new life');
    expect(reborn.value).toBe('a new life');
    expect((await guarded.setSecret('protected', 'again')).value).toBe('again');
    // 8 days are not 90: the default vault's deleted secret is still waiting.
    expect((await admin.getDeletedSecret('long-lived')).name).toBe('long-lived');
  });
});

/** What the SecretClient constructor takes as its credential (the TokenCredential of @azure/core-auth). */
type TokenCredential = ConstructorParameters<typeof SecretClient>[1];

/** A policy that records every request as it goes on the wire (after the challenge policy) with its answer. */
function wireLog() {
  const seen: {
    method: string;
    url: URL;
    authorized: boolean;
    bodyless: boolean;
    status: number;
    challenge?: string;
  }[] = [];
  const policy: PipelinePolicy = {
    name: 'wire-log',
    sendRequest: async (request, next) => {
      const authorized = request.headers.has('authorization');
      const bodyless = request.body === null || request.body === undefined;
      const response = await next(request);
      const challenge = response.headers.get('www-authenticate');
      seen.push({
        method: request.method,
        url: new URL(request.url),
        authorized,
        bodyless,
        status: response.status,
        challenge,
      });
      return response;
    },
  };
  return { seen, policies: [{ policy, position: 'perRetry' as const }] };
}

/**
 * A SecretClient of admin on the default vault whose credential records what the SDK asks it for (scopes
 * and tenant), and whose requests are logged as they go on the wire.
 */
function observedClient(options: SecretClientOptions = {}) {
  const asked: { scopes: string | string[]; tenantId?: string }[] = [];
  const credential: TokenCredential = {
    getToken: (scopes, getTokenOptions) => {
      asked.push({ scopes, tenantId: getTokenOptions?.tenantId });
      return credentialFor(region, 'admin').getToken(scopes, getTokenOptions);
    },
  };
  const wire = wireLog();
  const client = new SecretClient(region.url, credential, {
    ...clientOptions(region, region.url),
    additionalPolicies: wire.policies,
    ...options,
  });
  return { asked, wire, client };
}

describe('SecretClient: the challenge, api-version and paging of @azure/keyvault-common', () => {
  it('challenges the first request, sent without token or body, and the SDK asks one token for the tenant it names', async () => {
    const { asked, wire, client } = observedClient();
    await client.setSecret('challenged', 'value');
    expect((await client.getSecret('challenged')).value).toBe('value');

    expect(
      wire.seen.map(({ method, status, authorized, bodyless }) => ({ method, status, authorized, bodyless })),
    ).toEqual([
      { method: 'PUT', status: 401, authorized: false, bodyless: true },
      { method: 'PUT', status: 200, authorized: true, bodyless: false },
      { method: 'GET', status: 200, authorized: true, bodyless: true },
    ]);
    // The real service's challenge, as every recorded 401 of the SDK's tests has it.
    expect(wire.seen[0]?.challenge).toBe(
      `Bearer authorization="https://login.windows.net/${DEFAULT_TENANT_ID}", resource="https://vault.azure.net"`,
    );
    expect(asked).toEqual([{ scopes: ['https://vault.azure.net/.default'], tenantId: DEFAULT_TENANT_ID }]);
  });

  it('challenges parallel first requests one by one, and the SDK still asks a single token', async () => {
    const { asked, wire, client } = observedClient();
    const names = ['parallel-a', 'parallel-b', 'parallel-c'];
    await Promise.all(names.map((name) => client.setSecret(name, name)));
    expect((await client.getSecret('parallel-b')).value).toBe('parallel-b');
    const tokenless = wire.seen.filter((request) => !request.authorized);
    expect(tokenless.map((request) => request.status)).toEqual([401, 401, 401]);
    expect(wire.seen.filter((request) => request.authorized).map((request) => request.status)).toEqual([
      200, 200, 200, 200,
    ]);
    expect(asked).toHaveLength(1);
  });

  it('is refused by the SDK before any token is asked when challenge resource verification stays on', async () => {
    const { asked, client } = observedClient({ disableChallengeResourceVerification: false });
    await expect(client.getSecret('challenged')).rejects.toThrow(
      "The challenge resource 'vault.azure.net' does not match the requested domain",
    );
    expect(asked).toEqual([]);
  });

  it("refuses setSecret('') with 405 MethodNotAllowed, after the challenge, as the real service", async () => {
    const { wire, client } = observedClient();
    const error = await expectRestError(client.setSecret('', 'value'), 405, 'MethodNotAllowed');
    expect(error.message).toBe('HTTP PUT not allowed');
    expect(
      wire.seen.map(({ method, url, status, authorized }) => ({
        method,
        path: url.pathname,
        status,
        authorized,
      })),
    ).toEqual([
      { method: 'PUT', path: '/secrets/', status: 401, authorized: false },
      { method: 'PUT', path: '/secrets/', status: 405, authorized: true },
    ]);
  });

  it('sends the newest api-version by default, one the node serves', async () => {
    const wire = wireLog();
    const client = secretClient(region, 'admin', region.url, { additionalPolicies: wire.policies });
    await client.setSecret('default-version', 'v');
    expect(wire.seen.map((request) => request.url.searchParams.get('api-version'))).toEqual([
      LATEST_API_VERSION,
      LATEST_API_VERSION,
    ]);
  });

  // The SDK's serviceVersion takes every stable version the node serves (7.0 to 2026-04-01), no preview.
  const serviceVersions = SUPPORTED_API_VERSIONS.filter(
    (version) => !version.includes('preview'),
  ) as NonNullable<SecretClientOptions['serviceVersion']>[];
  it.each(serviceVersions)(
    'serves serviceVersion %s, whose nextLinks keep that api-version',
    async (serviceVersion) => {
      const wire = wireLog();
      const vaultUrl = region.vaultUrl('versioned');
      const client = secretClient(region, 'admin', vaultUrl, {
        serviceVersion,
        additionalPolicies: wire.policies,
      });
      const name = `api-${serviceVersion.replaceAll('.', '-')}`;
      const first = await client.setSecret(name, 'one');
      const second = await client.setSecret(name, 'two');
      const pages: string[][] = [];
      for await (const page of client.listPropertiesOfSecretVersions(name).byPage({ maxPageSize: 1 }))
        pages.push(page.map((properties) => properties.version ?? ''));
      expect(pages.map((page) => page.length)).toEqual([1, 1]);
      expect(pages.flat().sort()).toEqual([first.properties.version, second.properties.version].sort());
      const versionsSent = new Set(wire.seen.map((request) => request.url.searchParams.get('api-version')));
      expect([...versionsSent]).toEqual([serviceVersion]);
      expect(wire.seen.filter((request) => request.url.searchParams.has('$skiptoken'))).toHaveLength(1);
    },
  );

  it('resumes a listing from a nextLink passed as continuationToken, and refuses a tampered one with 400', async () => {
    const vaultUrl = region.vaultUrl('resume');
    const nextLinks: string[] = [];
    const bodies: PipelinePolicy = {
      name: 'next-links',
      sendRequest: async (request, next) => {
        const response = await next(request);
        const nextLink = (JSON.parse(response.bodyAsText ?? '{}') as { nextLink?: string | null }).nextLink;
        if (nextLink) nextLinks.push(nextLink);
        return response;
      },
    };
    const client = secretClient(region, 'admin', vaultUrl, {
      additionalPolicies: [{ policy: bodies, position: 'perCall' }],
    });
    const names = ['resume-a', 'resume-b', 'resume-c', 'resume-d', 'resume-e'];
    for (const name of names) await client.setSecret(name, `value of ${name}`);

    const firstPage: string[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) {
      firstPage.push(...page.map((properties) => properties.name));
      break;
    }
    expect(firstPage).toHaveLength(2);
    const [token] = nextLinks;
    expect(new URL(token ?? '').searchParams.get('maxresults')).toBe('2');

    // The nextLink is the whole continuation: page size and position travel in it.
    const rest: string[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ continuationToken: token }))
      rest.push(page.map((properties) => properties.name));
    expect(rest.map((page) => page.length)).toEqual([2, 1]);
    expect([...firstPage, ...rest.flat()].sort()).toEqual(names);

    const tampered = new URL(token ?? '');
    tampered.searchParams.set('$skiptoken', 'not-a-token');
    const pages = client.listPropertiesOfSecrets().byPage({ continuationToken: tampered.toString() });
    await expectRestError(pages.next(), 400, 'BadParameter');
  });
});
