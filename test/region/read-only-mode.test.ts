import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { CertificateClient } from '@azure/keyvault-certificates';
import type { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import { OPERATIONS, type OperationName } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION, TENANT } from '../support/arm.ts';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { API, credentialFor, type RawRequest, rawRequest, secretClient } from '../support/clients.ts';
import { cryptographyClient, keyClient, requestLog } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// Read-only mode, what a failed-over region serves: one region node, objects seeded while read-write,
// then every operation of the catalogue run through the real SDK clients in each read-only profile, and
// in standby and offline. The mode is switched through POST /admin/mode, as an operator or the control
// process would.

// The allowlists as docs/design.md#read-only-after-failover states them, written out here rather than
// read from read-only-profiles.ts: a change there must show up as a failure here.
const COMMON: OperationName[] = [
  'SecretList',
  'SecretGet',
  'KeyList',
  'KeyGet',
  'KeyEncrypt',
  'KeyDecrypt',
  'KeyWrap',
  'KeyUnwrap',
  'KeyVerify',
  'KeySign',
  'SecretBackup',
  'KeyBackup',
];
const ALLOWED = {
  '2016': new Set<OperationName>([...COMMON, 'VaultList', 'VaultGet']),
  current: new Set<OperationName>([...COMMON, 'CertificateList', 'CertificateGet']),
} as const;

const VAULT = 'romode';
const GROUP = 'romode';
const LOCATION = 'testregion';
// Unique per run: with VAULTOVER_REDIS=external the database is shared across runs (and deleted names stay taken).
const RUN = Date.now().toString(36).slice(-6);
const SECRET = `ro-secret-${RUN}`;
const GONE_SECRET = `ro-secret-gone-${RUN}`;
const KEY = `ro-key-${RUN}`;
const GONE_KEY = `ro-key-gone-${RUN}`;
const CERT = `ro-cert-${RUN}`;
const GONE_CERT = `ro-cert-gone-${RUN}`;
const ISSUER = `ro-issuer-${RUN}`;
const ARM_VAULT = `roarm${RUN}`;
const GONE_VAULT = `rogone${RUN}`;
const SECRET_VALUE = 'read-only but still readable';
const PLAINTEXT = Buffer.from('failover plaintext');
const DIGEST = Buffer.alloc(32, 7);
const WRAPPED_KEY = Buffer.alloc(32, 9);

/**
 * The last answer any client of this file received, as sent on the wire: the SDKs' pagers replace the
 * service's message with "Pagination failed with unexpected statusCode 503", so refusals are checked here.
 * In the retry phase, after the bearer-challenge step: it sees the final answer, not the 401.
 */
let lastAnswer: { status: number; body: string | undefined } | undefined;
const recorder: PipelinePolicy = {
  name: 'read-only-test-recorder',
  async sendRequest(request, next) {
    const response = await next(request);
    lastAnswer = { status: response.status, body: response.bodyAsText ?? undefined };
    return response;
  },
};
// A function, so that TypeScript does not narrow `lastAnswer` across the awaits that set it.
const lastBody = (): string | undefined => lastAnswer?.body;
const recorded = { additionalPolicies: [{ policy: recorder, position: 'perRetry' as const }] };

let region: TestRegion;
let secrets: SecretClient;
let keys: KeyClient;
let crypto: CryptographyClient;
const cryptoLog = requestLog();
let certificates: CertificateClient;
let arm: KeyVaultManagementClient;
/** What the seeding made, for the operations that need it. */
const EMPTY: Uint8Array = new Uint8Array();
const seeded = {
  secretVersion: '',
  certVersion: '',
  keyJwk: {} as Parameters<KeyClient['importKey']>[1],
  secretBackup: EMPTY,
  keyBackup: EMPTY,
  certBackup: EMPTY,
  ciphertext: EMPTY,
  wrapped: EMPTY,
  signature: EMPTY,
};

beforeAll(async () => {
  // externalDb 3 is shared with bad-input and certificates-bad-input: this file works in vault `romode`
  // and ARM vaults `roarm*`/`rogone*` of its own, under names unique to the run.
  region = await startTestRegion({ externalDb: 3, extraVaults: [{ name: VAULT }] });
  const url = region.vaultUrl(VAULT);
  secrets = secretClient(region, 'admin', url, recorded);
  keys = keyClient(region, 'admin', url, recorded);
  certificates = certificateClient(region, 'admin', url, recorded);
  // As test/support/arm.ts's armClient, plus the recorder.
  arm = new KeyVaultManagementClient(credentialFor(region, 'admin'), SUBSCRIPTION, {
    endpoint: region.url,
    credentials: { scopes: ['https://management.azure.com/.default'] },
    tlsOptions: { ca: region.ca },
    retryOptions: { maxRetries: 0 },
    ...recorded,
  });

  seeded.secretVersion = (await secrets.setSecret(SECRET, SECRET_VALUE)).properties.version ?? '';
  await secrets.setSecret(GONE_SECRET, 'doomed');
  await (await secrets.beginDeleteSecret(GONE_SECRET, FAST_POLL)).pollUntilDone();
  seeded.secretBackup = (await secrets.backupSecret(SECRET)) ?? EMPTY;

  const key = await keys.createRsaKey(KEY, { keySize: 2048 });
  seeded.keyJwk = { kty: 'RSA', n: key.key?.n, e: key.key?.e };
  await keys.createRsaKey(GONE_KEY);
  await (await keys.beginDeleteKey(GONE_KEY, FAST_POLL)).pollUntilDone();
  seeded.keyBackup = (await keys.backupKey(KEY)) ?? EMPTY;
  crypto = cryptographyClient(region, 'admin', key.id ?? '', {
    additionalPolicies: [{ policy: cryptoLog.policy, position: 'perCall' }, ...recorded.additionalPolicies],
  });
  // RSA-OAEP-256 and digest signatures run remotely (the SDK does RSA-OAEP and RSA1_5 locally).
  seeded.ciphertext = (await crypto.encrypt({ algorithm: 'RSA-OAEP-256', plaintext: PLAINTEXT })).result;
  seeded.wrapped = (await crypto.wrapKey('RSA-OAEP-256', WRAPPED_KEY)).result;
  seeded.signature = (await crypto.sign('RS256', DIGEST)).result;

  const policy = { issuerName: 'Self', subject: `CN=${CERT}` };
  const cert = await (await certificates.beginCreateCertificate(CERT, policy, FAST_POLL)).pollUntilDone();
  seeded.certVersion = cert.properties.version ?? '';
  await (
    await certificates.beginCreateCertificate(
      GONE_CERT,
      { issuerName: 'Self', subject: 'CN=gone' },
      FAST_POLL,
    )
  ).pollUntilDone();
  await (await certificates.beginDeleteCertificate(GONE_CERT, FAST_POLL)).pollUntilDone();
  seeded.certBackup = (await certificates.backupCertificate(CERT)) ?? EMPTY;
  await certificates.createIssuer(ISSUER, 'Test', { accountId: 'seeded' });
  await certificates.setContacts([{ email: 'seeded@example.com' }]);

  await createVault(ARM_VAULT);
  await createVault(GONE_VAULT);
  await arm.vaults.delete(GROUP, GONE_VAULT);
}, 60_000);

afterAll(async () => {
  await region?.close();
});

function createVault(name: string, createMode?: 'recover') {
  return arm.vaults.createOrUpdate(
    GROUP,
    name,
    {
      location: LOCATION,
      properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, createMode },
    },
    { updateIntervalInMs: 10 },
  );
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** One operation through the SDK: the call, and what its success looks like where a profile serves it. */
interface Case {
  run(): Promise<unknown>;
  served?(result: unknown): void;
}

const names = (items: { name?: string }[]) => items.map((item) => item.name);
/** The crypto call went to the region (a local one would say nothing about the gate). */
const sentRemotely = (segment: string) =>
  expect(cryptoLog.take().some((r) => r.method === 'POST' && r.path.endsWith(`/${segment}`))).toBe(true);

// OperationName is a string: the table's completeness is checked at run time (first test below).
const CASES: Record<OperationName, Case> = {
  SecretSet: { run: () => secrets.setSecret(SECRET, 'new value') },
  SecretGet: {
    run: () => secrets.getSecret(SECRET),
    served: (r) => expect((r as { value: string }).value).toBe(SECRET_VALUE),
  },
  SecretList: {
    run: () => collect(secrets.listPropertiesOfSecrets()),
    served: (r) => expect(names(r as { name: string }[])).toContain(SECRET),
  },
  SecretListVersions: { run: () => collect(secrets.listPropertiesOfSecretVersions(SECRET)) },
  SecretUpdate: {
    run: () => secrets.updateSecretProperties(SECRET, seeded.secretVersion, { tags: { a: 'b' } }),
  },
  SecretDelete: { run: async () => (await secrets.beginDeleteSecret(SECRET, FAST_POLL)).pollUntilDone() },
  SecretGetDeleted: { run: () => secrets.getDeletedSecret(GONE_SECRET) },
  SecretListDeleted: { run: () => collect(secrets.listDeletedSecrets()) },
  SecretRecover: {
    run: async () => (await secrets.beginRecoverDeletedSecret(GONE_SECRET, FAST_POLL)).pollUntilDone(),
  },
  SecretPurge: { run: () => secrets.purgeDeletedSecret(GONE_SECRET) },
  SecretBackup: {
    run: () => secrets.backupSecret(SECRET),
    served: (r) => expect((r as Uint8Array).length).toBeGreaterThan(100),
  },
  SecretRestore: { run: () => secrets.restoreSecretBackup(seeded.secretBackup) },

  KeyCreate: { run: () => keys.createRsaKey(`ro-new-${RUN}`) },
  KeyImport: { run: () => keys.importKey(`ro-imported-${RUN}`, seeded.keyJwk) },
  KeyGet: {
    run: () => keys.getKey(KEY),
    served: (r) => expect(r).toMatchObject({ name: KEY, keyType: 'RSA' }),
  },
  KeyList: {
    run: () => collect(keys.listPropertiesOfKeys()),
    served: (r) => expect(names(r as { name: string }[])).toContain(KEY),
  },
  KeyListVersions: { run: () => collect(keys.listPropertiesOfKeyVersions(KEY)) },
  KeyUpdate: { run: () => keys.updateKeyProperties(KEY, { tags: { a: 'b' } }) },
  KeyDelete: { run: async () => (await keys.beginDeleteKey(KEY, FAST_POLL)).pollUntilDone() },
  KeyGetDeleted: { run: () => keys.getDeletedKey(GONE_KEY) },
  KeyListDeleted: { run: () => collect(keys.listDeletedKeys()) },
  KeyRecover: { run: async () => (await keys.beginRecoverDeletedKey(GONE_KEY, FAST_POLL)).pollUntilDone() },
  KeyPurge: { run: () => keys.purgeDeletedKey(GONE_KEY) },
  KeyBackup: {
    run: () => keys.backupKey(KEY),
    served: (r) => expect((r as Uint8Array).length).toBeGreaterThan(100),
  },
  KeyRestore: { run: () => keys.restoreKeyBackup(seeded.keyBackup) },
  KeyRotate: { run: () => keys.rotateKey(KEY) },
  KeyRotationPolicyGet: { run: () => keys.getKeyRotationPolicy(KEY) },
  KeyRotationPolicySet: {
    run: () =>
      keys.updateKeyRotationPolicy(KEY, {
        lifetimeActions: [{ action: 'Notify', timeBeforeExpiry: 'P30D' }],
      }),
  },
  KeyEncrypt: {
    run: () => crypto.encrypt({ algorithm: 'RSA-OAEP-256', plaintext: PLAINTEXT }),
    served: (r) => {
      expect((r as { result: Uint8Array }).result.length).toBe(256);
      sentRemotely('encrypt');
    },
  },
  KeyDecrypt: {
    run: () => crypto.decrypt({ algorithm: 'RSA-OAEP-256', ciphertext: seeded.ciphertext }),
    served: (r) => expect(Buffer.from((r as { result: Uint8Array }).result)).toEqual(PLAINTEXT),
  },
  KeyWrap: {
    run: () => crypto.wrapKey('RSA-OAEP-256', WRAPPED_KEY),
    served: (r) => {
      expect((r as { result: Uint8Array }).result.length).toBe(256);
      sentRemotely('wrapkey');
    },
  },
  KeyUnwrap: {
    run: () => crypto.unwrapKey('RSA-OAEP-256', seeded.wrapped),
    served: (r) => expect(Buffer.from((r as { result: Uint8Array }).result)).toEqual(WRAPPED_KEY),
  },
  KeySign: {
    run: () => crypto.sign('RS256', DIGEST),
    // RSASSA-PKCS1-v1_5 is deterministic: the same digest and key give the seeded signature.
    served: (r) =>
      expect(Buffer.from((r as { result: Uint8Array }).result)).toEqual(Buffer.from(seeded.signature)),
  },
  // Refused by the gate before the token is read: release is not on the read-only allowlist.
  KeyRelease: { run: () => keys.releaseKey(KEY, 'not-a-token') },
  KeyVerify: {
    run: () => crypto.verify('RS256', DIGEST, seeded.signature),
    served: (r) => {
      expect((r as { result: boolean }).result).toBe(true);
      sentRemotely('verify');
    },
  },
  RandomBytesGet: { run: () => keys.getRandomBytes(16) },

  CertificateCreate: {
    run: async () =>
      (
        await certificates.beginCreateCertificate(
          `ro-newcert-${RUN}`,
          { issuerName: 'Self', subject: 'CN=new' },
          FAST_POLL,
        )
      ).pollUntilDone(),
  },
  CertificateImport: {
    run: () => certificates.importCertificate(`ro-importcert-${RUN}`, Buffer.from('not read anyway')),
  },
  CertificateGet: {
    run: () => certificates.getCertificate(CERT),
    served: (r) => {
      expect(r).toMatchObject({ name: CERT, properties: { version: seeded.certVersion } });
      expect((r as { cer?: Uint8Array }).cer?.length).toBeGreaterThan(100);
    },
  },
  CertificateList: {
    run: () => collect(certificates.listPropertiesOfCertificates()),
    served: (r) => expect(names(r as { name: string }[])).toContain(CERT),
  },
  CertificateListVersions: { run: () => collect(certificates.listPropertiesOfCertificateVersions(CERT)) },
  CertificateUpdate: {
    run: () => certificates.updateCertificateProperties(CERT, seeded.certVersion, { tags: { a: 'b' } }),
  },
  CertificatePolicyGet: { run: () => certificates.getCertificatePolicy(CERT) },
  CertificatePolicyUpdate: {
    run: () => certificates.updateCertificatePolicy(CERT, { issuerName: 'Self', subject: 'CN=changed' }),
  },
  // Raw: the SDK's getCertificateOperation reads the certificate (CertificateGet) before the operation.
  CertificatePendingGet: { run: () => rawCall({ path: `/certificates/${CERT}/pending?${API}` }) },
  CertificatePendingDelete: { run: () => certificates.deleteCertificateOperation(CERT) },
  // Raw: the SDK's cancelOperation reads the certificate and the operation first.
  CertificatePendingUpdate: {
    run: () =>
      rawCall({
        method: 'PATCH',
        path: `/certificates/${CERT}/pending?${API}`,
        body: { cancellation_requested: true },
      }),
  },
  CertificateMerge: {
    run: () => certificates.mergeCertificate(CERT, [Buffer.from('not read anyway')]),
  },
  CertificateDelete: {
    run: async () => (await certificates.beginDeleteCertificate(CERT, FAST_POLL)).pollUntilDone(),
  },
  CertificateGetDeleted: { run: () => certificates.getDeletedCertificate(GONE_CERT) },
  CertificateListDeleted: { run: () => collect(certificates.listDeletedCertificates()) },
  CertificateRecover: {
    run: async () =>
      (await certificates.beginRecoverDeletedCertificate(GONE_CERT, FAST_POLL)).pollUntilDone(),
  },
  CertificatePurge: { run: () => certificates.purgeDeletedCertificate(GONE_CERT) },
  CertificateBackup: { run: () => certificates.backupCertificate(CERT) },
  CertificateRestore: { run: () => certificates.restoreCertificateBackup(seeded.certBackup) },
  CertificateIssuerSet: { run: () => certificates.createIssuer(`ro-new-issuer-${RUN}`, 'Test') },
  CertificateIssuerGet: { run: () => certificates.getIssuer(ISSUER) },
  CertificateIssuerUpdate: { run: () => certificates.updateIssuer(ISSUER, { accountId: 'changed' }) },
  CertificateIssuersList: { run: () => collect(certificates.listPropertiesOfIssuers()) },
  CertificateIssuerDelete: { run: () => certificates.deleteIssuer(ISSUER) },
  CertificateContactsSet: { run: () => certificates.setContacts([{ email: 'changed@example.com' }]) },
  CertificateContactsGet: { run: () => certificates.getContacts() },
  CertificateContactsDelete: { run: () => certificates.deleteContacts() },

  VaultPut: { run: () => createVault(`ronew${RUN}`) },
  VaultPatch: { run: () => arm.vaults.update(GROUP, ARM_VAULT, { tags: { a: 'b' } }) },
  VaultGet: {
    run: () => arm.vaults.get(GROUP, ARM_VAULT),
    served: (r) =>
      expect(r).toMatchObject({ name: ARM_VAULT, properties: { provisioningState: 'Succeeded' } }),
  },
  VaultList: {
    run: () => collect(arm.vaults.listBySubscription()),
    served: (r) => expect(names(r as { name: string }[])).toEqual(expect.arrayContaining([ARM_VAULT, VAULT])),
  },
  VaultDelete: { run: () => arm.vaults.delete(GROUP, ARM_VAULT) },
  VaultGetDeleted: { run: () => arm.vaults.getDeleted(GONE_VAULT, LOCATION) },
  VaultListDeleted: { run: () => collect(arm.vaults.listDeleted()) },
  VaultRecover: { run: () => createVault(GONE_VAULT, 'recover') },
  VaultPurge: { run: () => arm.vaults.purgeDeleted(GONE_VAULT, LOCATION, { updateIntervalInMs: 10 }) },
};

function caseOf(name: OperationName): Case {
  const entry = CASES[name];
  if (!entry) throw new Error(`no table entry for ${name}`);
  return entry;
}

/** A plain HTTPS call to the `romode` vault as admin: the JSON on success, else throws as the SDKs do. */
async function rawCall(request: Partial<RawRequest>): Promise<unknown> {
  const response = await rawRequest(region, {
    hostname: `${VAULT}.localhost`,
    principal: 'admin',
    path: '/',
    ...request,
  });
  lastAnswer = { status: response.status, body: response.text };
  if (response.status >= 400) {
    const code = (response.json as { error?: { code?: string } } | undefined)?.error?.code;
    throw Object.assign(new Error(response.text), { statusCode: response.status, code });
  }
  return response.json;
}

/**
 * Runs `call`, which must fail; returns the status and code the client saw and the service's message
 * from the wire. Fails the test if the call succeeded.
 */
async function refusalOf(call: () => Promise<unknown>) {
  lastAnswer = undefined;
  try {
    await call();
  } catch (error) {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    const wire = JSON.parse(lastBody() ?? 'null') as {
      error?: { code?: string; message?: string };
    } | null;
    expect(wire?.error?.code, 'the code on the wire').toBe(code);
    return { statusCode, code, message: wire?.error?.message };
  }
  throw new Error('expected a refusal, but the call succeeded');
}

function setMode(body: unknown, principal = 'admin') {
  return rawRequest(region, { method: 'POST', path: '/admin/mode', principal, body });
}

async function switchTo(body: Record<string, unknown>) {
  const response = await setMode(body);
  expect(response.status, response.text).toBe(200);
  return response.json as { mode: string; epoch: number; readOnlyProfile: string };
}

async function metricsText(): Promise<string> {
  return (await rawRequest(region, { path: '/metrics' })).text;
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const readOnlyMessage = (name: string) =>
  `Operation "${name}" is unavailable: the service is currently in a read-only state.`;

describe('the table', () => {
  it('has an entry for every operation of the catalogue, and a success check for every allowlisted one', () => {
    const missing = OPERATIONS.map((o) => o.name).filter((name) => !(name in CASES));
    expect(missing).toEqual([]);
    const known = new Set<string>(OPERATIONS.map((o) => o.name));
    expect(Object.keys(CASES).filter((name) => !known.has(name))).toEqual([]);
    for (const name of [...ALLOWED['2016'], ...ALLOWED.current])
      expect(caseOf(name).served, `${name} needs a success check`).toBeDefined();
  });
});

describe.each(['2016', 'current'] as const)('read-only mode, profile %s', (profile) => {
  it.each(OPERATIONS.map((o) => o.name))(`%s`, async (name) => {
    const state = await switchTo({ mode: 'read-only', readOnlyProfile: profile });
    expect(state).toMatchObject({ mode: 'read-only', readOnlyProfile: profile });
    const entry = caseOf(name);
    if (ALLOWED[profile].has(name)) {
      cryptoLog.take();
      entry.served?.(await entry.run());
    } else {
      expect(await refusalOf(entry.run)).toEqual({
        statusCode: 503,
        code: 'ServiceUnavailable',
        message: readOnlyMessage(name),
      });
    }
  });
});

describe('while read-only', () => {
  it('counts each refusal by operation and region, and shows the mode in one series per mode', async () => {
    await switchTo({ mode: 'read-only', readOnlyProfile: '2016' });
    const series = `vaultover_readonly_rejections_total{operation="SecretSet",region="${region.region}"}`;
    const before = sample(await metricsText(), series);
    await refusalOf(caseOf('SecretSet').run);
    await refusalOf(caseOf('SecretSet').run);
    const text = await metricsText();
    expect(sample(text, series)).toBe(before + 2);
    for (const mode of ['read-write', 'read-only', 'standby', 'offline'])
      expect(sample(text, `vaultover_region_mode{region="${region.region}",mode="${mode}"}`), mode).toBe(
        mode === 'read-only' ? 1 : 0,
      );
    // A served read counts nothing.
    const getSeries = `vaultover_readonly_rejections_total{operation="SecretGet",region="${region.region}"}`;
    await secrets.getSecret(SECRET);
    expect(sample(await metricsText(), getSeries)).toBe(0);
  });

  it('reports the mode and epoch in /health, keeping the other fields', async () => {
    const health = await rawRequest(region, { path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'ok',
      region: region.region,
      role: 'primary',
      mode: 'read-only',
      epoch: expect.any(Number),
      redis: { reachable: true },
    });
    expect(Object.keys(health.json as object)).toEqual(
      expect.arrayContaining(['status', 'region', 'role', 'mode', 'epoch', 'redis', 'replication']),
    );
  });
});

describe.each([
  [
    'standby',
    `Region testregion is a standby secondary: it serves replication only. Send requests to the primary region (or the global endpoint).`,
  ],
  ['offline', 'Region testregion is offline: it serves no requests. Retry later, or use another region.'],
] as const)('%s', (mode, message) => {
  it('refuses every operation of the catalogue, after the 401 challenge', async () => {
    await switchTo({ mode });
    const anonymous = await rawRequest(region, {
      path: `/secrets/${SECRET}?${API}`,
      hostname: `${VAULT}.localhost`,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer authorization=/);
    const managementAnonymous = await rawRequest(region, {
      path: `/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.KeyVault/vaults?api-version=2025-05-01`,
    });
    expect(managementAnonymous.status).toBe(401);
    for (const op of OPERATIONS) {
      expect(await refusalOf(caseOf(op.name).run), op.name).toEqual({
        statusCode: 503,
        code: 'ServiceUnavailable',
        message,
      });
    }
  });
});

describe('back to read-write', () => {
  it('serves writes again, and everything the read-only mode refused left the data as it was', async () => {
    const state = await switchTo({ mode: 'read-write' });
    expect(state.mode).toBe('read-write');
    expect((await secrets.getSecret(SECRET)).properties.tags ?? {}).toEqual({});
    expect((await collect(secrets.listPropertiesOfSecretVersions(SECRET))).length).toBe(1);
    expect((await certificates.getIssuer(ISSUER)).accountId).toBe('seeded');
    expect(await certificates.getContacts()).toEqual([{ email: 'seeded@example.com' }]);
    await secrets.setSecret(SECRET, 'written after failback');
    expect((await secrets.getSecret(SECRET)).value).toBe('written after failback');
    await arm.vaults.update(GROUP, ARM_VAULT, { tags: { after: 'failback' } });
    expect((await arm.vaults.get(GROUP, ARM_VAULT)).tags).toEqual({ after: 'failback' });
  });
});

describe('epoch fencing with x-vaultover-epoch', () => {
  const data = (
    request: Partial<RawRequest> & { epoch?: string },
  ): Promise<ReturnType<typeof rawRequest> extends Promise<infer R> ? R : never> =>
    rawRequest(region, {
      hostname: `${VAULT}.localhost`,
      principal: 'admin',
      path: `/secrets/${SECRET}?${API}`,
      ...request,
      headers: request.epoch === undefined ? {} : { 'x-vaultover-epoch': request.epoch },
    });

  it('refuses a write routed under another epoch, serves reads, and judges unstamped requests by mode', async () => {
    expect(await switchTo({ mode: 'read-write', epoch: 7 })).toEqual({
      mode: 'read-write',
      epoch: 7,
      readOnlyProfile: '2016',
    });
    const stale = await data({ method: 'PUT', body: { value: 'stale' }, epoch: '6' });
    expect(stale.status).toBe(503);
    expect(stale.json).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message: `The request was routed under epoch 6 but region ${region.region} is at epoch 7; it was not applied. Retry.`,
      },
    });
    const read = await data({ epoch: '6' });
    expect(read.status).toBe(200);
    expect((read.json as { value: string }).value).toBe('written after failback');
    expect((await data({ method: 'PUT', body: { value: 'current epoch' }, epoch: '7' })).status).toBe(200);
    expect((await data({ method: 'PUT', body: { value: 'direct' } })).status).toBe(200);
    expect((await secrets.getSecret(SECRET)).value).toBe('direct');
    const malformed = await data({ epoch: 'seven' });
    expect(malformed.status).toBe(400);
    expect((malformed.json as { error: { code: string } }).error.code).toBe('BadParameter');
  });

  it('applies to the management plane too', async () => {
    const path = `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/${ARM_VAULT}?api-version=2025-05-01`;
    const patch = await rawRequest(region, {
      method: 'PATCH',
      path,
      principal: 'admin',
      body: { tags: { stale: 'epoch' } },
      headers: { 'x-vaultover-epoch': '3' },
    });
    expect(patch.status).toBe(503);
    expect((patch.json as { error: { message: string } }).error.message).toMatch(
      /routed under epoch 3 .* at epoch 7/,
    );
    const get = await rawRequest(region, { path, principal: 'admin', headers: { 'x-vaultover-epoch': '3' } });
    expect(get.status).toBe(200);
    expect((get.json as { tags: unknown }).tags).toEqual({ after: 'failback' });
  });
});

describe('/admin/mode', () => {
  it('is for administrators only', async () => {
    expect((await rawRequest(region, { path: '/admin/mode' })).status).toBe(401);
    expect((await rawRequest(region, { path: '/admin/mode', principal: 'reader' })).status).toBe(403);
    expect((await setMode({ mode: 'offline' }, 'officer')).status).toBe(403);
    const got = await rawRequest(region, { path: '/admin/mode', principal: 'admin' });
    expect(got.json).toEqual({ mode: 'read-write', epoch: 7, readOnlyProfile: '2016' });
  });

  it.each([
    ['no body', undefined],
    ['an unknown mode', { mode: 'failed-over' }],
    ['a negative epoch', { mode: 'read-only', epoch: -1 }],
    ['a fractional epoch', { mode: 'read-only', epoch: 7.5 }],
    ['an epoch as text', { mode: 'read-only', epoch: '8' }],
    ['an unknown profile', { mode: 'read-only', readOnlyProfile: '2024' }],
    ['an unknown field', { mode: 'read-only', region: 'x' }],
    ['an array', [{ mode: 'read-only' }]],
  ])('refuses %s with 400 BadParameter, changing nothing', async (_label, body) => {
    const response = await setMode(body);
    expect(response.status).toBe(400);
    expect((response.json as { error: { code: string } }).error.code).toBe('BadParameter');
    const got = await rawRequest(region, { path: '/admin/mode', principal: 'admin' });
    expect(got.json).toEqual({ mode: 'read-write', epoch: 7, readOnlyProfile: '2016' });
  });

  it('refuses a lower epoch with 409 and takes a higher one; the node object sees the same gate', async () => {
    const lower = await setMode({ mode: 'read-only', epoch: 6 });
    expect(lower.status).toBe(409);
    expect((lower.json as { error: { message: string } }).error.message).toBe(
      "Epoch 6 is older than the region's current epoch 7; a mode change needs an epoch at least as high as the current one.",
    );
    expect(region.node.mode.state).toEqual({ mode: 'read-write', epoch: 7, readOnlyProfile: '2016' });
    expect(await switchTo({ mode: 'read-write', epoch: 8, readOnlyProfile: 'current' })).toEqual({
      mode: 'read-write',
      epoch: 8,
      readOnlyProfile: 'current',
    });
    expect(region.node.mode.state).toEqual({ mode: 'read-write', epoch: 8, readOnlyProfile: 'current' });
  });

  it('holds writes off while the write fence is up (in process), and serves them once it is down', async () => {
    region.node.mode.setWriteFence({ kind: 'lease-expired' });
    try {
      const refused = await refusalOf(() => secrets.setSecret(SECRET, 'fenced'));
      expect(refused).toEqual({
        statusCode: 503,
        code: 'ServiceUnavailable',
        message: `Region ${region.region} does not hold the write lease, so it accepts no writes right now. Retry.`,
      });
      expect((await secrets.getSecret(SECRET)).value).toBe('direct');
    } finally {
      region.node.mode.setWriteFence(null);
    }
    await secrets.setSecret(SECRET, 'unfenced');
    expect((await secrets.getSecret(SECRET)).value).toBe('unfenced');
  });
});
