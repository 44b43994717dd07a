import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { logKeys } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type RawResponse, rawRequest } from '../support/clients.ts';
import { DEFAULT_VAULT, startTestRegion, type TestRegion } from '../support/region.ts';

// Malformed and unsuitable key requests, one table: each gets the right status and error code in the
// service's error envelope, never a 500, and writes nothing (the change log does not grow).

let region: TestRegion;
let redis: Redis;
let existingSnapshot: unknown;
let secretBackup: string;

const NEW = 'bad-key-new';
const RSA_KEY = 'bad-key-rsa';
const EC_KEY = 'bad-key-ec';
const P521_KEY = 'bad-key-p521';
const EC_ENCRYPT_KEY = 'bad-key-ec-encrypt';

const rsaJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const otherRsaJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const smallRsaJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
const ecJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

async function call(method: string, path: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(region, { method, path, principal: 'admin', body });
}

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 14 });
  redis = region.redis.client();
  const created = [
    await call('POST', `/keys/${RSA_KEY}/create?${API}`, { kty: 'RSA', key_size: 2048 }),
    await call('POST', `/keys/${EC_KEY}/create?${API}`, { kty: 'EC', crv: 'P-256' }),
    await call('POST', `/keys/${P521_KEY}/create?${API}`, { kty: 'EC', crv: 'P-521' }),
    await call('POST', `/keys/${EC_ENCRYPT_KEY}/create?${API}`, { kty: 'EC', key_ops: ['sign', 'encrypt'] }),
    await call('PUT', `/keys/${RSA_KEY}/rotationpolicy?${API}`, { attributes: { expiryTime: 'P90D' } }),
    await call('PUT', `/secrets/a-secret?${API}`, { value: 'x' }),
  ];
  expect(created.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  secretBackup = ((await call('POST', `/secrets/a-secret/backup?${API}`)).json as { value: string }).value;
  existingSnapshot = await snapshot();
});

afterAll(async () => {
  await region?.close();
});

async function snapshot(): Promise<unknown> {
  const [key, policy] = await Promise.all([
    call('GET', `/keys/${RSA_KEY}/?${API}`),
    call('GET', `/keys/${RSA_KEY}/rotationpolicy?${API}`),
  ]);
  return [key.json, policy.json];
}

const changeCount = () => redis.xlen(logKeys(DEFAULT_VAULT).stream);
const b64 = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill).toString('base64url');

type Aftermath = 'new-absent' | 'existing-unchanged' | 'none';

interface Row {
  what: string;
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  status: number;
  code: string;
  after: Aftermath;
}

const bad = (row: Omit<Row, 'status' | 'code'> & Partial<Row>): Row => ({
  status: 400,
  code: 'BadParameter',
  ...row,
});
const create = (what: string, body: unknown) =>
  bad({ what, method: 'POST', path: `/keys/${NEW}/create?${API}`, body, after: 'new-absent' });
const importKey = (what: string, body: unknown) =>
  bad({ what, method: 'PUT', path: `/keys/${NEW}?${API}`, body, after: 'new-absent' });
const update = (what: string, body: unknown) =>
  bad({ what, method: 'PATCH', path: `/keys/${RSA_KEY}/?${API}`, body, after: 'existing-unchanged' });
const op = (
  what: string,
  key: string,
  operation: string,
  body: unknown,
  status = 400,
  code = 'BadParameter',
) =>
  bad({ what, method: 'POST', path: `/keys/${key}//${operation}?${API}`, body, after: 'none', status, code });
const rng = (what: string, body: unknown) =>
  bad({ what, method: 'POST', path: `/rng?${API}`, body, after: 'none' });
const policy = (what: string, body: unknown) =>
  bad({
    what,
    method: 'PUT',
    path: `/keys/${RSA_KEY}/rotationpolicy?${API}`,
    body,
    after: 'existing-unchanged',
  });

const ROWS: Row[] = [
  // POST /keys/{name}/create
  create('an unknown kty', { kty: 'DSA' }),
  create('kty oct (Managed HSM only)', { kty: 'oct', key_size: 256 }),
  create('kty missing', { key_size: 2048 }),
  create('kty a number', { kty: 1 }),
  create('an RSA key of 1024 bits', { kty: 'RSA', key_size: 1024 }),
  create('an RSA key of 2047 bits', { kty: 'RSA', key_size: 2047 }),
  create('key_size a string', { kty: 'RSA', key_size: '2048' }),
  create('public_exponent a string', { kty: 'RSA', public_exponent: '3' }),
  create('an unknown curve', { kty: 'EC', crv: 'P-192' }),
  create("OpenSSL's curve name instead of P-256K", { kty: 'EC', crv: 'secp256k1' }),
  create('an unknown key operation', { kty: 'RSA', key_ops: ['encrypt', 'fly'] }),
  create('key_ops a string', { kty: 'RSA', key_ops: 'sign' }),
  create('attributes.exp a float', { kty: 'EC', attributes: { exp: 1.5 } }),
  create('16 tags', {
    kty: 'EC',
    tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'v'])),
  }),
  create('a release policy', { kty: 'RSA', release_policy: { data: 'e30' } }),
  create('exportable without a release policy', { kty: 'RSA', attributes: { exportable: true } }),
  create('an exportable key whose release policy is not JSON', {
    kty: 'RSA-HSM',
    attributes: { exportable: true },
    release_policy: { data: 'bm90IGpzb24' },
  }),
  create('an exportable key whose release policy is not base64url', {
    kty: 'RSA-HSM',
    attributes: { exportable: true },
    release_policy: { data: '{"version":"1.0.0"}' },
  }),
  create('a release policy of another content type', {
    kty: 'RSA-HSM',
    attributes: { exportable: true },
    release_policy: { contentType: 'application/xml', data: 'e30' },
  }),
  create('a release policy that is a string', {
    kty: 'RSA-HSM',
    attributes: { exportable: true },
    release_policy: 'e30',
  }),
  create('malformed JSON', '{"kty": "RSA"'),
  create('no body', undefined),
  // PUT /keys/{name}
  importKey('a JWK without n', { key: { ...rsaJwk, n: undefined } }),
  importKey('a JWK with n not base64url', { key: { ...rsaJwk, n: '###not-base64###' } }),
  importKey('a JWK with padded base64 in e', { key: { ...rsaJwk, e: 'AQAB==' } }),
  // 341 characters: a dangling character that encodes no byte, which decoders silently drop.
  importKey('a JWK whose d is truncated base64url', {
    key: { ...rsaJwk, d: (rsaJwk.d ?? '').padEnd(341, 'A').slice(0, 341) },
  }),
  importKey('a JWK whose d has an extra byte', { key: { ...rsaJwk, d: `${rsaJwk.d}AAAA` } }),
  importKey('an RSA JWK without private parts', { key: { kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e } }),
  importKey('an RSA JWK without qi', { key: { ...rsaJwk, qi: undefined } }),
  importKey('an EC JWK without d', { key: { ...ecJwk, d: undefined } }),
  importKey('an RSA JWK whose d belongs to another key', { key: { ...rsaJwk, d: otherRsaJwk.d } }),
  importKey('an RSA JWK whose p and q belong to another key', {
    key: { ...rsaJwk, p: otherRsaJwk.p, q: otherRsaJwk.q },
  }),
  importKey('an RSA key of 1024 bits', { key: smallRsaJwk }),
  importKey('an EC JWK on an unknown curve', { key: { ...ecJwk, crv: 'P-192' } }),
  importKey('an oct JWK', { key: { kty: 'oct', k: b64(32) } }),
  importKey('an unknown kty', { key: { ...rsaJwk, kty: 'RSA-PSS' } }),
  importKey('key not an object', { key: 'a key' }),
  importKey('key missing', { Hsm: true }),
  importKey('Hsm a string', { Hsm: 'yes', key: rsaJwk }),
  importKey('an RSA JWK with a modulus of garbage', { key: { ...rsaJwk, n: b64(256, 0xff) } }),
  // PATCH /keys/{name}/{version}
  update('update with an unknown key operation', { key_ops: ['teleport'] }),
  update('update with attributes.enabled a string', { attributes: { enabled: 'no' } }),
  update('update making the key exportable', { attributes: { exportable: true } }),
  update('update giving a key that is not exportable a release policy', { release_policy: { data: 'e30' } }),
  update('update with malformed JSON', '{"key_ops": ['),
  // Signatures
  op('ES384 on a P-256 key (wrong curve)', EC_KEY, 'sign', { alg: 'ES384', value: b64(48) }),
  op('ES256 on an RSA key', RSA_KEY, 'sign', { alg: 'ES256', value: b64(32) }),
  op('RS256 on an EC key', EC_KEY, 'sign', { alg: 'RS256', value: b64(32) }),
  op('RS256 with a digest of 31 bytes', RSA_KEY, 'sign', { alg: 'RS256', value: b64(31) }),
  op('PS512 with a digest of 32 bytes', RSA_KEY, 'sign', { alg: 'PS512', value: b64(32) }),
  op('ES512 with a digest of 48 bytes', P521_KEY, 'sign', { alg: 'ES512', value: b64(48) }),
  op('verify ES256 with a digest of 33 bytes', EC_KEY, 'verify', {
    alg: 'ES256',
    digest: b64(33),
    value: b64(64),
  }),
  // Release: the body is read before the key (which is not exportable here).
  op('release without target', RSA_KEY, 'release', { enc: 'CKM_RSA_AES_KEY_WRAP' }),
  op('release with an empty target', RSA_KEY, 'release', { target: '' }),
  op('release with target a number', RSA_KEY, 'release', { target: 42 }),
  op('release with an unknown enc', RSA_KEY, 'release', { target: 'x.y.z', enc: 'RSA-OAEP' }),
  op('release without a body', RSA_KEY, 'release', undefined),
  op('release of a key that is not exportable', RSA_KEY, 'release', { target: 'x.y.z' }, 403, 'Forbidden'),
  op('an unknown signature alg', RSA_KEY, 'sign', { alg: 'RS999', value: b64(32) }),
  op('RSNULL (not offered)', RSA_KEY, 'sign', { alg: 'RSNULL', value: b64(32) }),
  op('HS256 (symmetric)', RSA_KEY, 'sign', { alg: 'HS256', value: b64(32) }),
  op('sign without alg', RSA_KEY, 'sign', { value: b64(32) }),
  op('sign with a digest that is not base64url', RSA_KEY, 'sign', { alg: 'RS256', value: 'not base64!' }),
  op('sign with a truncated base64url digest', RSA_KEY, 'sign', { alg: 'RS256', value: `${b64(32)}A` }),
  op('verify without digest', RSA_KEY, 'verify', { alg: 'RS256', value: b64(256) }),
  // Encryption
  op('RSA-OAEP plaintext of 215 bytes (limit 214)', RSA_KEY, 'encrypt', { alg: 'RSA-OAEP', value: b64(215) }),
  op('RSA-OAEP-256 plaintext of 191 bytes (limit 190)', RSA_KEY, 'encrypt', {
    alg: 'RSA-OAEP-256',
    value: b64(191),
  }),
  op('RSA1_5 plaintext of 246 bytes (limit 245)', RSA_KEY, 'encrypt', { alg: 'RSA1_5', value: b64(246) }),
  op('a wrapkey of 215 bytes with RSA-OAEP', RSA_KEY, 'wrapkey', { alg: 'RSA-OAEP', value: b64(215) }),
  op('A256GCM on an RSA key', RSA_KEY, 'encrypt', { alg: 'A256GCM', value: b64(16) }),
  op('an unknown encryption alg', RSA_KEY, 'encrypt', { alg: 'ROT13', value: b64(16) }),
  op(
    'encrypt on an EC key (not in its key_ops)',
    EC_KEY,
    'encrypt',
    { alg: 'RSA-OAEP', value: b64(16) },
    403,
    'Forbidden',
  ),
  op('RSA-OAEP on an EC key that lists encrypt', EC_ENCRYPT_KEY, 'encrypt', {
    alg: 'RSA-OAEP',
    value: b64(16),
  }),
  op('decrypt a ciphertext of the wrong length', RSA_KEY, 'decrypt', { alg: 'RSA-OAEP', value: b64(255) }),
  op('decrypt a ciphertext that is not one', RSA_KEY, 'decrypt', { alg: 'RSA-OAEP-256', value: b64(256) }),
  op('unwrapkey without value', RSA_KEY, 'unwrapkey', { alg: 'RSA-OAEP' }),
  op(
    'encrypt with a key that does not exist',
    'no-such-key',
    'encrypt',
    { alg: 'RSA-OAEP', value: b64(8) },
    404,
    'KeyNotFound',
  ),
  {
    ...op(
      'sign with a version that does not exist',
      RSA_KEY,
      'sign',
      { alg: 'RS256', value: b64(32) },
      404,
      'KeyNotFound',
    ),
    path: `/keys/${RSA_KEY}/${'0'.repeat(32)}/sign?${API}`,
  },
  op('an encrypt body that is an array', RSA_KEY, 'encrypt', '[]'),
  // POST /rng
  rng('count 0', { count: 0 }),
  rng('count 1025', { count: 1025 }),
  rng('count 129 (limit 128)', { count: 129 }),
  rng('count negative', { count: -1 }),
  rng('count a float', { count: 1.5 }),
  rng('count a string', { count: '32' }),
  rng('count missing', {}),
  // PUT /keys/{name}/rotationpolicy
  policy('an expiry of one day (minimum 28)', { attributes: { expiryTime: 'P1D' } }),
  policy('an expiry that is not ISO 8601', { attributes: { expiryTime: 'ninety days' } }),
  policy('an unknown action', {
    lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'Explode' } }],
  }),
  policy('a trigger with both times', {
    lifetimeActions: [
      { trigger: { timeAfterCreate: 'P30D', timeBeforeExpiry: 'P7D' }, action: { type: 'Rotate' } },
    ],
  }),
  policy('two Rotate actions', {
    lifetimeActions: [
      { trigger: { timeAfterCreate: 'P30D' }, action: { type: 'Rotate' } },
      { trigger: { timeAfterCreate: 'P60D' }, action: { type: 'Rotate' } },
    ],
  }),
  policy('Notify after creation', {
    lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'Notify' } }],
  }),
  // POST /keys/restore
  bad({
    what: 'a secret backup restored as a key',
    method: 'POST',
    path: `/keys/restore?${API}`,
    after: 'none',
  }),
  bad({
    what: 'a restore blob of random bytes',
    method: 'POST',
    path: `/keys/restore?${API}`,
    body: { value: randomBytes(200).toString('base64url') },
    after: 'none',
  }),
  // Paths: GET /keys/{n}/encrypt reads version "encrypt", which no key has.
  bad({
    what: 'GET on a crypto path',
    method: 'GET',
    path: `/keys/${RSA_KEY}/encrypt?${API}`,
    after: 'none',
    status: 404,
    code: 'KeyNotFound',
  }),
  bad({
    what: 'DELETE on a crypto path',
    method: 'DELETE',
    path: `/keys/${RSA_KEY}//sign?${API}`,
    after: 'none',
    status: 405,
    code: 'MethodNotAllowed',
  }),
  bad({
    what: 'a crypto path too deep',
    method: 'POST',
    path: `/keys/${RSA_KEY}/a/b/sign?${API}`,
    after: 'none',
    status: 404,
    code: 'NotFound',
  }),
  // Not a 405: the service reads a POST on a key as an operation left out (see the empty-name create).
  bad({ what: 'POST on a key', method: 'POST', path: `/keys/${RSA_KEY}?${API}`, body: {}, after: 'none' }),
];

describe('malformed and unsuitable key requests', () => {
  it.each(ROWS.map((row) => [row.what, row] as const))('%s', async (_what, row) => {
    const body = row.what === 'a secret backup restored as a key' ? { value: secretBackup } : row.body;
    const before = await changeCount();
    const response = await call(row.method, row.path, body);

    expect(response.status).not.toBe(500);
    const error = (response.json as { error?: { code?: string; message?: string; innererror?: unknown } })
      ?.error;
    expect({ status: response.status, code: error?.code }).toEqual({ status: row.status, code: row.code });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(response.json as object)).toEqual(['error']);
    expect(error?.message).toEqual(expect.stringMatching(/\S/));
    expect(response.text).not.toMatch(/at .*\.ts:\d+|node_modules/);

    expect(await changeCount()).toBe(before);
    if (row.after === 'new-absent') expect((await call('GET', `/keys/${NEW}/?${API}`)).status).toBe(404);
    else if (row.after === 'existing-unchanged') expect(await snapshot()).toEqual(existingSnapshot);
  });

  it('says why, naming the field or the rule', async () => {
    const message = async (method: string, path: string, body: unknown) =>
      ((await call(method, path, body)).json as { error: { message: string } }).error.message;
    expect(await message('POST', `/keys/${EC_KEY}//sign?${API}`, { alg: 'ES384', value: b64(48) })).toBe(
      'Invalid alg: ES384 cannot be used with a P-256 key; ES384 needs P-384; use ES256.',
    );
    expect(await message('POST', `/keys/${RSA_KEY}//sign?${API}`, { alg: 'RS256', value: b64(31) })).toBe(
      'Invalid digest: RS256 signs a SHA256 digest of 32 bytes, got 31 bytes.',
    );
    expect(await message('POST', `/keys/${NEW}/create?${API}`, { kty: 'RSA', key_size: 1024 })).toContain(
      'key_size',
    );
    expect(await message('PUT', `/keys/${NEW}?${API}`, { key: { ...rsaJwk, n: '###' } })).toContain(
      "'key.n'",
    );
    for (const count of [0, -1, 129, 1025]) {
      expect(await message('POST', `/rng?${API}`, { count })).toBe(
        'GetRandomBytesRequest: count cannot be greater than 128 or less than 1',
      );
    }
  });

  it('answers a create without a key name with the real 400, not as an unknown path', async () => {
    const created = await call('POST', `/keys//create?${API}`, { kty: 'RSA' });
    expect(created.status).toBe(400);
    expect(created.json).toEqual({ error: { code: 'BadParameter', message: 'Operation not specified' } });
  });

  it('takes a public_exponent other than 65537 and makes the key with 65537, as the service does', async () => {
    const created = await call('POST', `/keys/${NEW}-e3/create?${API}`, { kty: 'RSA', public_exponent: 3 });
    expect(created.status).toBe(200);
    expect((created.json as { key: { e: string } }).key.e).toBe('AQAB');
  });

  it('gives every key item exportable false unless set: in the list, the versions and the deleted list', async () => {
    const name = `${NEW}-items`;
    expect((await call('POST', `/keys/${name}/create?${API}`, { kty: 'EC' })).status).toBe(200);
    type Items = { value: { kid: string; attributes: { exportable?: boolean } }[] };
    const itemOf = async (path: string) =>
      ((await call('GET', `${path}?maxresults=25&${API}`)).json as Items).value.find((i) =>
        i.kid.includes(`/${name}`),
      );
    expect((await itemOf('/keys'))?.attributes.exportable).toBe(false);
    expect((await itemOf(`/keys/${name}/versions`))?.attributes.exportable).toBe(false);
    expect((await call('DELETE', `/keys/${name}?${API}`)).status).toBe(200);
    expect((await itemOf('/deletedkeys'))?.attributes.exportable).toBe(false);
  });

  it('accepts the limits themselves: a 214-byte RSA-OAEP plaintext, 128 random bytes', async () => {
    const encrypted = await call('POST', `/keys/${RSA_KEY}//encrypt?${API}`, {
      alg: 'RSA-OAEP',
      value: b64(214),
    });
    expect(encrypted.status).toBe(200);
    const random = await call('POST', `/rng?${API}`, { count: 128 });
    expect(Buffer.from((random.json as { value: string }).value, 'base64url').length).toBe(128);
  });
});
