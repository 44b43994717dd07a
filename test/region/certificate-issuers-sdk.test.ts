import { randomBytes } from 'node:crypto';
import type { CertificateClient } from '@azure/keyvault-certificates';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient } from '../support/certificate-clients.ts';
import { API, rawRequest } from '../support/clients.ts';
import { findLeaks } from '../support/leak-search.ts';
import { dumpKeys } from '../support/redis-dump.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// Certificate issuers and contacts with the real CertificateClient of @azure/keyvault-certificates:
// set, get, update, list and delete issuers; set, get and delete contacts; the real service's shapes and
// errors (its recorded answers); the issuer's password never answered, never logged, sealed in Redis.

// Unique per run: with VAULTOVER_REDIS=external the database is shared across runs, and contacts are
// one list per vault.
const RUN = Date.now().toString(36).slice(-6);
const VAULT = `issuers${RUN}`;
const PASSWORD = `issuer-password-${randomBytes(12).toString('hex')}`;

let region: TestRegion;
let certificates: CertificateClient;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) });
  // Shares database 9 with the other certificate tests, in a vault of its own.
  region = await startTestRegion({ externalDb: 9, logger, extraVaults: [{ name: VAULT }] });
  certificates = certificateClient(region, 'admin', region.vaultUrl(VAULT));
});

afterAll(async () => {
  await region?.close();
});

const raw = (method: string, path: string, body?: unknown, query = '') =>
  rawRequest(region, {
    method,
    path: `${path}?${API}${query}`,
    hostname: `${VAULT}.localhost`,
    principal: 'admin',
    ...(body === undefined ? {} : { body }),
  });

const base = () => `https://${VAULT}.localhost:${region.port}`;

const ADMIN = { firstName: 'John', lastName: 'Doe', email: 'admin@example.com', phone: '4255555555' };

describe('certificate contacts', () => {
  it('answers 404 ContactsNotFound until set, sets, reads and deletes the list', async () => {
    const missing = await expectRestError(certificates.getContacts(), 404, 'ContactsNotFound');
    expect(missing.message).toBe('Contacts not found');
    await expectRestError(certificates.deleteContacts(), 404, 'ContactsNotFound');

    const contacts = [
      { email: 'a@example.com', name: 'a', phone: '111111111111' },
      { email: 'b@example.com', name: 'b', phone: '222222222222' },
    ];
    expect(await certificates.setContacts(contacts)).toEqual(contacts);
    expect(await certificates.getContacts()).toEqual(contacts);
    const wire = await raw('GET', '/certificates/contacts');
    expect(wire.json).toEqual({
      id: `${base()}/certificates/contacts`,
      contacts,
    });

    // A set replaces the whole list.
    expect(await certificates.setContacts([{ email: 'only@example.com' }])).toEqual([
      { email: 'only@example.com' },
    ]);
    // The delete answers the list it removed; the SDK's deleteContacts reads that answer's body without
    // deserialising it (it looks for `contactList`, the wire says `contacts`), so it returns [].
    const deleted = await raw('DELETE', '/certificates/contacts');
    expect(deleted.json).toEqual({
      id: `${base()}/certificates/contacts`,
      contacts: [{ email: 'only@example.com' }],
    });
    await certificates.setContacts([{ email: 'again@example.com' }]);
    expect(await certificates.deleteContacts()).toEqual([]);
    await expectRestError(certificates.getContacts(), 404, 'ContactsNotFound');
  });

  it('refuses a body without a list of contacts with 400 BadParameter, writing nothing', async () => {
    const response = await raw('PUT', '/certificates/contacts', { contacts: 'a@example.com' });
    expect(response.status).toBe(400);
    expect((response.json as { error: { code: string } }).error.code).toBe('BadParameter');
    await expectRestError(certificates.getContacts(), 404, 'ContactsNotFound');
  });
});

describe('certificate issuers', () => {
  it('creates, reads, updates, lists and deletes an issuer, as the real service answers them', async () => {
    const missing = await expectRestError(
      certificates.getIssuer('never-set'),
      404,
      'CertificateIssuerNotFound',
    );
    expect(missing.message).toBe('Issuer not found');

    const created = await certificates.createIssuer('digi', 'DigiCert', {
      accountId: 'keyvaultuser',
      password: PASSWORD,
      organizationId: 'org-1',
      administratorContacts: [ADMIN],
    });
    expect(created).toMatchObject({
      provider: 'DigiCert',
      accountId: 'keyvaultuser',
      organizationId: 'org-1',
      administratorContacts: [ADMIN],
      enabled: true,
    });
    expect(created.password).toBeUndefined();
    expect(created.createdOn).toBeInstanceOf(Date);

    // The wire body, field by field: the password is never answered.
    const wire = await raw('GET', '/certificates/issuers/digi');
    expect(wire.status).toBe(200);
    const seconds = Math.floor((created.createdOn as Date).getTime() / 1000);
    expect(wire.json).toEqual({
      id: `${base()}/certificates/issuers/digi`,
      provider: 'DigiCert',
      credentials: { account_id: 'keyvaultuser' },
      org_details: {
        id: 'org-1',
        zip: 0,
        admin_details: [
          { first_name: 'John', last_name: 'Doe', email: 'admin@example.com', phone: '4255555555' },
        ],
      },
      attributes: { enabled: true, created: seconds, updated: seconds },
    });

    // An update changes the fields given and keeps the rest.
    const updated = await certificates.updateIssuer('digi', { accountId: 'keyvaultuser2' });
    expect(updated).toMatchObject({
      provider: 'DigiCert',
      accountId: 'keyvaultuser2',
      organizationId: 'org-1',
    });
    expect((await certificates.getIssuer('digi')).accountId).toBe('keyvaultuser2');
    expect((await certificates.updateIssuer('digi', { provider: 'GlobalSign' })).provider).toBe('GlobalSign');

    const deleted = await certificates.deleteIssuer('digi');
    expect(deleted).toMatchObject({ provider: 'GlobalSign', accountId: 'keyvaultuser2' });
    await expectRestError(certificates.getIssuer('digi'), 404, 'CertificateIssuerNotFound');
    await expectRestError(
      certificates.updateIssuer('digi', { accountId: 'x' }),
      404,
      'CertificateIssuerNotFound',
    );
    await expectRestError(certificates.deleteIssuer('digi'), 404, 'CertificateIssuerNotFound');
  });

  it('lets a certificate policy name an issuer of the vault: the create waits inProgress, as a CA would be asked', async () => {
    const refused = await expectRestError(
      certificates.beginCreateCertificate('named-cert', { issuerName: 'named-ca', subject: 'CN=named' }),
      400,
      'BadParameter',
    );
    expect(refused.message).toContain("'named-ca' is not an issuer of this vault");

    await certificates.createIssuer('named-ca', 'Test', { accountId: 'keyvaultuser' });
    const poller = await certificates.beginCreateCertificate('named-cert', {
      issuerName: 'named-ca',
      subject: 'CN=named',
    });
    expect(poller.isDone()).toBe(false);
    const operation = (await certificates.getCertificateOperation('named-cert')).getOperationState()
      .certificateOperation;
    expect(operation).toMatchObject({ status: 'inProgress', issuerName: 'named-ca' });
    expect(operation?.statusDetails).toBe(
      'Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.',
    );
    expect(operation?.csr?.length).toBeGreaterThan(0);
    // The waiting version shows with the policy naming the issuer; it has no X.509 yet.
    const waiting = await certificates.getCertificate('named-cert');
    expect(waiting.policy?.issuerName).toBe('named-ca');
    expect(waiting.properties.enabled).toBe(false);
    expect(waiting.cer).toBeUndefined();
    // No CA signs here: a merge is forbidden while it waits, as for any issuer but Unknown.
    const forbidden = await expectRestError(
      certificates.mergeCertificate('named-cert', [Buffer.from('x')]),
      403,
      'Forbidden',
    );
    expect(forbidden.message).toContain('named-ca');

    // The issuer may go while a certificate names it; a policy naming it is then refused again.
    await certificates.deleteIssuer('named-ca');
    await certificates.deleteCertificateOperation('named-cert');
    const gone = await expectRestError(
      certificates.updateCertificatePolicy('named-cert', { issuerName: 'named-ca', subject: 'CN=named' }),
      400,
      'BadParameter',
    );
    expect(gone.message).toContain("'named-ca' is not an issuer of this vault");
  });

  it('lists issuers page by page, each with its id and provider', async () => {
    const names = ['list-a', 'list-b', 'list-c'];
    for (const name of names) await certificates.createIssuer(name, 'Test', { enabled: name !== 'list-b' });
    const listed: string[] = [];
    for await (const issuer of certificates.listPropertiesOfIssuers())
      listed.push(`${issuer.id?.split('/').at(-1)}:${issuer.provider}`);
    expect(listed).toEqual(['list-a:Test', 'list-b:Test', 'list-c:Test']);
    // Pages of two, by the nextLinks (the SDK's byPage does not send maxresults for issuers).
    const first = await raw('GET', '/certificates/issuers', undefined, '&maxresults=2');
    const firstPage = first.json as { value: { id: string; provider: string }[]; nextLink: string | null };
    expect(firstPage.value).toEqual([
      { id: `${base()}/certificates/issuers/list-a`, provider: 'Test' },
      { id: `${base()}/certificates/issuers/list-b`, provider: 'Test' },
    ]);
    const next = new URL(firstPage.nextLink ?? '');
    const second = await rawRequest(region, {
      path: `${next.pathname}${next.search}`,
      hostname: `${VAULT}.localhost`,
      principal: 'admin',
    });
    expect(second.json).toEqual({
      value: [{ id: `${base()}/certificates/issuers/list-c`, provider: 'Test' }],
      nextLink: null,
    });
    expect((await certificates.getIssuer('list-b')).enabled).toBe(false);
    for (const name of names) await certificates.deleteIssuer(name);
    const left: unknown[] = [];
    for await (const issuer of certificates.listPropertiesOfIssuers()) left.push(issuer);
    expect(left).toEqual([]);
  });

  it('refuses an issuer without a provider, or with a name the service does not take, with 400', async () => {
    for (const [path, body] of [
      ['/certificates/issuers/no-provider', { credentials: { account_id: 'a' } }],
      ['/certificates/issuers/bad_name', { provider: 'Test' }],
    ] as const) {
      const response = await raw('PUT', path, body);
      expect(response.status, path).toBe(400);
      expect((response.json as { error: { code: string } }).error.code).toBe('BadParameter');
    }
    await expectRestError(certificates.getIssuer('no-provider'), 404, 'CertificateIssuerNotFound');
  });

  it('serves /certificates/contacts/ as the contacts, not as a certificate of that name', async () => {
    await certificates.setContacts([{ email: 'x@example.com' }]);
    const withSlash = await raw('GET', '/certificates/contacts/');
    expect(withSlash.json).toMatchObject({ contacts: [{ email: 'x@example.com' }] });
    await certificates.deleteContacts();
  });
});

describe('roles', () => {
  it('lets the Certificates Officer manage issuers and contacts, and refuses them to app and reader', async () => {
    const officer = certificateClient(region, 'officer', region.vaultUrl(VAULT));
    await officer.createIssuer('officers', 'Test');
    await officer.setContacts([{ email: 'officer@example.com' }]);
    for (const principal of ['app', 'reader']) {
      const client = certificateClient(region, principal, region.vaultUrl(VAULT));
      const denied = await expectRestError(client.getContacts(), 403, 'Forbidden');
      expect(innerCode(denied)).toBe('ForbiddenByRbac');
      await expectRestError(client.createIssuer('not-theirs', 'Test'), 403, 'Forbidden');
    }
    // Reader reads issuers: the Key Vault Reader role grants every data-plane read.
    expect(
      (await certificateClient(region, 'reader', region.vaultUrl(VAULT)).getIssuer('officers')).provider,
    ).toBe('Test');
    await expectRestError(
      certificateClient(region, 'app', region.vaultUrl(VAULT)).getIssuer('officers'),
      403,
      'Forbidden',
    );
    await officer.deleteIssuer('officers');
    await officer.deleteContacts();
  });
});

describe("the issuer's password", () => {
  it('is stored sealed, and appears nowhere in clear: not in Redis, not in the log at level trace', async () => {
    await certificates.createIssuer('sealed', 'Test', { accountId: 'acct', password: PASSWORD });
    const store = region.redis.storeClient();
    const stored = JSON.parse((await store.hget(`vo:{${VAULT}}:issuers`, 'sealed')) ?? '{}') as {
      credentials?: { pwd?: string };
    };
    expect(stored.credentials?.pwd).toMatch(/^v1:/);
    // An update that does not name the password keeps it.
    await certificates.updateIssuer('sealed', { accountId: 'acct2' });
    const kept = JSON.parse((await store.hget(`vo:{${VAULT}}:issuers`, 'sealed')) ?? '{}') as typeof stored;
    expect(kept.credentials?.pwd).toBe(stored.credentials?.pwd);

    const dumps = await dumpKeys(store);
    expect(dumps.some((d) => d.key === `vo:{${VAULT}}:log` && d.type === 'stream')).toBe(true);
    const haystacks = new Map(dumps.map((d) => [d.key, Buffer.concat([Buffer.from(d.key), ...d.parts])]));
    expect(findLeaks(haystacks, Buffer.from(PASSWORD))).toEqual([]);
    expect(logLines.join('')).toContain('region node ready');
    expect(findLeaks(new Map([['log', Buffer.from(logLines.join(''))]]), Buffer.from(PASSWORD))).toEqual([]);
  });
});
