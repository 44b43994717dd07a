import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logKeys } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCertificate } from '../support/certificate-files.ts';
import { API, type RawResponse, rawRequest } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// Malformed and unsuitable certificate requests, one table: each gets the right status and error code
// in the service's error envelope, never a 500, and writes nothing: neither the certificate nor its
// key nor its secret exists afterwards, and the vault's change log does not grow.

const VAULT = 'certbad';
const NEW = 'bad-cert-new';
const EXISTING = 'bad-cert-existing';

let region: TestRegion;
let redis: Redis;

const made = opensslCertificate('/CN=bad-input', ['-newkey', 'rsa:2048'], 'right');
const certificateOnlyPem = made.certificate.toString();
const legacyPfx = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'vaultover-legacy-'));
  try {
    const [key, cert, pfx] = ['k.pem', 'c.pem', 'l.pfx'].map((f) => join(dir, f)) as [string, string, string];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=legacy',
        '-days',
        '30',
      ],
      { stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-legacy', '-in', cert, '-inkey', key, '-out', pfx, '-passout', 'pass:x'],
      { stdio: 'pipe' },
    );
    return readFileSync(pfx).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

async function call(method: string, path: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(region, { method, path, hostname: `${VAULT}.localhost`, principal: 'admin', body });
}

beforeAll(async () => {
  // Database 3 is bad-input's: this file works in a vault of its own (certbad), so its log is its own.
  region = await startTestRegion({ externalDb: 3, extraVaults: [{ name: VAULT }] });
  redis = region.redis.client();
  const created = await call('POST', `/certificates/${EXISTING}/create?${API}`, {
    policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=existing' } },
  });
  expect(created.status).toBe(202);
});

afterAll(async () => {
  await region?.close();
});

const changeCount = () => redis.xlen(logKeys(VAULT).stream);

interface Row {
  what: string;
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  status: number;
  code: string;
}

const row = (
  what: string,
  method: Row['method'],
  path: string,
  body: unknown,
  status = 400,
  code = 'BadParameter',
): Row => ({
  what,
  method,
  path: `${path}?${API}`,
  body,
  status,
  code,
});
const create = (what: string, policy: unknown) =>
  row(what, 'POST', `/certificates/${NEW}/create`, {
    policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=x' }, ...(policy as object) },
  });
const importing = (what: string, body: unknown) => row(what, 'POST', `/certificates/${NEW}/import`, body);

const ROWS: Row[] = [
  importing('a malformed PFX', { value: Buffer.from('not a pfx at all').toString('base64') }),
  importing('a PFX value that is not base64', { value: '%%% not base64 %%%' }),
  importing('a PFX with the wrong password', { value: made.pfx.toString('base64'), pwd: 'wrong' }),
  importing('a PFX with no password given', { value: made.pfx.toString('base64') }),
  importing('a legacy (3DES/RC2) PFX', { value: legacyPfx, pwd: 'x' }),
  importing('PEM without a private key', { value: certificateOnlyPem }),
  importing('PEM with a broken certificate block', {
    value: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  }),
  importing('PEM whose key belongs to another certificate', {
    value: `${made.pem.split('-----BEGIN CERTIFICATE-----')[0]}${opensslCertificate('/CN=other', ['-newkey', 'rsa:2048'], 'y').certificate.toString()}`,
  }),
  importing('no value', { pwd: 'x' }),
  importing('an unknown contentType', {
    value: made.pfx.toString('base64'),
    pwd: 'right',
    policy: { secret_props: { contentType: 'text/plain' } },
  }),
  create('an unknown kty', { key_props: { kty: 'DSA' } }),
  create('kty oct', { key_props: { kty: 'oct' } }),
  create('an RSA key of 1024 bits', { key_props: { kty: 'RSA', key_size: 1024 } }),
  create('an unknown curve', { key_props: { kty: 'EC', crv: 'P-999' } }),
  create('a curve whose size disagrees', { key_props: { kty: 'EC', crv: 'P-256', key_size: 384 } }),
  create('an exportable HSM key', { key_props: { kty: 'RSA-HSM', exportable: true } }),
  create('validity 0', { x509_props: { subject: 'CN=x', validity_months: 0 } }),
  create('validity -3', { x509_props: { subject: 'CN=x', validity_months: -3 } }),
  create('a bad DNS SAN', { x509_props: { subject: 'CN=x', sans: { dns_names: ['not a host!'] } } }),
  create('a bad e-mail SAN', { x509_props: { subject: 'CN=x', sans: { emails: ['nobody'] } } }),
  create('a bad IP SAN', { x509_props: { subject: 'CN=x', sans: { ipAddresses: ['300.1.1.1'] } } }),
  create('an unknown contentType', { secret_props: { contentType: 'text/plain' } }),
  create('an unknown key usage', { x509_props: { subject: 'CN=x', key_usage: ['flying'] } }),
  create('an EKU that is not an OID', { x509_props: { subject: 'CN=x', ekus: ['serverAuth'] } }),
  create('a subject that is not a DN', { x509_props: { subject: 'garbage' } }),
  create('no subject and no SANs', { x509_props: { validity_months: 12 } }),
  create('an issuer that does not exist', { issuer: { name: 'DigiCert' } }),
  create('a lifetime action without trigger', {
    lifetime_actions: [{ action: { action_type: 'AutoRenew' } }],
  }),
  row('no policy for a new certificate', 'POST', `/certificates/${NEW}/create`, {}),
  row('malformed JSON', 'POST', `/certificates/${NEW}/create`, '{"policy": '),
  row('a name with an underscore', 'POST', '/certificates/bad_name/create', { policy: {} }),
  row(
    'a policy update of a missing certificate',
    'PATCH',
    `/certificates/${NEW}/policy`,
    {},
    404,
    'CertificateNotFound',
  ),
  row(
    'the pending operation of a missing certificate',
    'GET',
    `/certificates/${NEW}/pending`,
    undefined,
    404,
    'CertificateNotFound',
  ),
  row(
    'an update of a missing version',
    'PATCH',
    `/certificates/${EXISTING}/${'0'.repeat(32)}`,
    { tags: {} },
    404,
    'CertificateNotFound',
  ),
  row('a policy update with validity 0', 'PATCH', `/certificates/${EXISTING}/policy`, {
    x509_props: { validity_months: 0 },
  }),
  row(
    'a merge into a missing certificate',
    'POST',
    `/certificates/${NEW}/pending/merge`,
    { x5c: [made.certificate.raw.toString('base64')] },
    404,
    'CertificateNotFound',
  ),
  row('a merge without x5c', 'POST', `/certificates/${EXISTING}/pending/merge`, { tags: {} }),
  row('a merge with an empty x5c', 'POST', `/certificates/${EXISTING}/pending/merge`, { x5c: [] }),
  row('a merge into a completed operation', 'POST', `/certificates/${EXISTING}/pending/merge`, {
    x5c: [made.certificate.raw.toString('base64')],
  }),
  row('a cancellation that is not a boolean', 'PATCH', `/certificates/${EXISTING}/pending`, {
    cancellation_requested: 'yes',
  }),
  row('a restore of garbage', 'POST', '/certificates/restore', { value: 'AAAA' }),
  row('a restore that is not base64url', 'POST', '/certificates/restore', { value: '***' }),
  // Issuers and contacts
  row('an issuer without provider', 'PUT', '/certificates/issuers/bad-issuer', { credentials: {} }),
  row('an issuer whose provider is a number', 'PUT', '/certificates/issuers/bad-issuer', { provider: 7 }),
  row('an issuer whose password is a number', 'PUT', '/certificates/issuers/bad-issuer', {
    provider: 'Test',
    credentials: { pwd: 1234 },
  }),
  row('an issuer named with an underscore', 'PUT', '/certificates/issuers/bad_issuer', { provider: 'Test' }),
  row(
    'an update of an issuer never set',
    'PATCH',
    '/certificates/issuers/bad-issuer',
    {},
    404,
    'CertificateIssuerNotFound',
  ),
  row(
    'a delete of an issuer never set',
    'DELETE',
    '/certificates/issuers/bad-issuer',
    undefined,
    404,
    'CertificateIssuerNotFound',
  ),
  row('contacts that are not a list', 'PUT', '/certificates/contacts', {
    contacts: { email: 'a@example.com' },
  }),
  row('a contact whose phone is a number', 'PUT', '/certificates/contacts', { contacts: [{ phone: 1 }] }),
  row(
    'a delete of contacts never set',
    'DELETE',
    '/certificates/contacts',
    undefined,
    404,
    'ContactsNotFound',
  ),
];

describe('bad certificate input', () => {
  it.each(ROWS)('$what → $status $code, nothing written', async (r) => {
    const before = await changeCount();
    const existing = (await call('GET', `/certificates/${EXISTING}/?${API}`)).json;
    const response = await call(r.method, r.path, r.body);
    expect(response.status, response.text).toBe(r.status);
    expect((response.json as { error?: { code?: string } }).error?.code).toBe(r.code);
    expect(await changeCount()).toBe(before);
    for (const kind of ['certificates', 'keys', 'secrets']) {
      expect((await call('GET', `/${kind}/${NEW}/?${API}`)).status, kind).toBe(404);
    }
    expect((await call('GET', `/certificates/${EXISTING}/?${API}`)).json).toEqual(existing);
  });
});
