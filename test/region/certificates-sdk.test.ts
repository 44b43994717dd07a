import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import type {
  CertificateClient,
  CertificatePolicy,
  KeyVaultCertificateWithPolicy,
} from '@azure/keyvault-certificates';
import type { KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { checkPem, checkPfx, opensslPfxParts, verifiesWith } from '../support/certificate-files.ts';
import { secretClient } from '../support/clients.ts';
import { cryptographyClient, keyClient } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';

// End to end with the real CertificateClient of @azure/keyvault-certificates against a running region:
// self-signed creation through the 202 + `/pending` poller, with the default and custom policies; the
// certificate as X.509; its managed secret (PFX or PEM) and managed key (signing with it); versions,
// lists, the policy, properties and the creation operation.

let region: TestRegion;
let certificates: CertificateClient;
let keys: KeyClient;
let secrets: SecretClient;

beforeAll(async () => {
  // Shares database 9 (external Redis) with the vault management tests: certificate names are its own.
  region = await startTestRegion({ externalDb: 9 });
  certificates = certificateClient(region, 'admin');
  keys = keyClient(region, 'admin');
  secrets = secretClient(region, 'admin');
});

afterAll(async () => {
  await region?.close();
});

async function create(name: string, policy: CertificatePolicy, tags?: Record<string, string>) {
  const poller = await certificates.beginCreateCertificate(name, policy, { ...FAST_POLL, tags });
  const certificate = await poller.pollUntilDone();
  expect(poller.getOperationState()).toMatchObject({ isStarted: true, isCompleted: true });
  return certificate;
}

function x509Of(certificate: KeyVaultCertificateWithPolicy): X509Certificate {
  return new X509Certificate(Buffer.from(certificate.cer ?? []));
}

const monthsBetween = (from: Date, to: Date) =>
  (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();

describe('beginCreateCertificate with the default policy', () => {
  it('completes through the pending poller with an RSA-2048 certificate, its managed key and secret', async () => {
    const name = 'default-policy';
    const certificate = await create(name, { issuerName: 'Self', subject: 'cn=MyCert' }, { env: 'test' });
    const version = certificate.properties.version as string;
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(certificate.properties.id).toBe(`${region.url}/certificates/${name}/${version}`);
    expect(certificate.keyId).toBe(`${region.url}/keys/${name}/${version}`);
    expect(certificate.secretId).toBe(`${region.url}/secrets/${name}/${version}`);
    expect(certificate.properties.tags).toEqual({ env: 'test' });
    expect(certificate.policy).toMatchObject({
      issuerName: 'Self',
      subject: 'cn=MyCert',
      keyType: 'RSA',
      keySize: 2048,
      exportable: true,
      reuseKey: false,
      contentType: 'application/x-pkcs12',
      validityInMonths: 12,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      lifetimeActions: [{ action: 'AutoRenew', lifetimePercentage: 80 }],
    });

    const x509 = x509Of(certificate);
    expect(x509.subject).toBe('CN=MyCert');
    expect(x509.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(monthsBetween(new Date(x509.validFrom), new Date(x509.validTo))).toBe(12);
    expect(certificate.properties.expiresOn?.getTime()).toBe(new Date(x509.validTo).getTime());
    expect(Buffer.from(certificate.properties.x509Thumbprint ?? []).toString('hex')).toBe(
      x509.fingerprint.replaceAll(':', '').toLowerCase(),
    );

    const secret = await secrets.getSecret(name);
    expect(secret.properties).toMatchObject({ managed: true, contentType: 'application/x-pkcs12', version });
    expect(secret.properties.certificateKeyId).toBe(certificate.keyId);
    const pfx = Buffer.from(secret.value ?? '', 'base64');
    checkPfx(pfx);
    // OpenSSL pairs the key with the certificate (localKeyID): -clcerts writes it, -nocerts the key.
    const parts = opensslPfxParts(pfx);
    expect(parts.leaf).toEqual([Buffer.from(certificate.cer ?? []).toString('base64')]);
    expect(parts.chain).toEqual([]);
    const pairedKey = createPrivateKey({
      key: Buffer.from(parts.key ?? '', 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    expect(x509.checkPrivateKey(pairedKey)).toBe(true);

    const key = await keys.getKey(name);
    expect(key.properties).toMatchObject({ managed: true, version });
    expect(key.id).toBe(certificate.keyId);
    expect(key.keyType).toBe('RSA');
  });

  it('answers the creation operation at /pending, and forgets it once deleted', async () => {
    const name = 'with-operation';
    await create(name, { issuerName: 'Self', subject: 'CN=operation' });
    const operation = (await certificates.getCertificateOperation(name, FAST_POLL)).getOperationState()
      .certificateOperation;
    expect(operation).toMatchObject({
      status: 'completed',
      issuerName: 'Self',
      cancellationRequested: false,
    });
    expect(operation?.id).toBe(`${region.url}/certificates/${name}/pending`);
    expect(operation?.target).toBe(`${region.url}/certificates/${name}`);
    const csr = new Uint8Array(operation?.csr ?? []);
    expect(csr.length).toBeGreaterThan(100);
    const deleted = await certificates.deleteCertificateOperation(name);
    expect(deleted.status).toBe('completed');
    await expectRestError(certificates.deleteCertificateOperation(name), 404, 'PendingCertificateNotFound');
    expect((await certificates.getCertificate(name)).name).toBe(name);
  });
});

const CUSTOM: [string, CertificatePolicy, { alg: string; kty: string; bits?: number; curve?: string }][] = [
  [
    'rsa-3072-pem-sans',
    {
      issuerName: 'Self',
      subject: 'CN=api.example.com, O=Vaultover, C=NL',
      keyType: 'RSA',
      keySize: 3072,
      contentType: 'application/x-pem-file',
      validityInMonths: 6,
      subjectAlternativeNames: { dnsNames: ['api.example.com', '*.api.example.com'] },
      keyUsage: ['digitalSignature'],
      enhancedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    },
    { alg: 'RS256', kty: 'rsa', bits: 3072 },
  ],
  [
    'rsa-2048-pfx',
    { issuerName: 'Self', subject: 'CN=rsa', keyType: 'RSA', keySize: 2048, validityInMonths: 1 },
    { alg: 'RS256', kty: 'rsa', bits: 2048 },
  ],
  [
    'ec-p256-pfx',
    { issuerName: 'Self', subject: 'CN=ec256', keyType: 'EC', keyCurveName: 'P-256', validityInMonths: 24 },
    { alg: 'ES256', kty: 'ec', curve: 'prime256v1' },
  ],
  [
    'ec-p384-pem-emails',
    {
      issuerName: 'Self',
      subject: 'CN=ec384',
      keyType: 'EC',
      keyCurveName: 'P-384',
      contentType: 'application/x-pem-file',
      subjectAlternativeNames: { emails: ['ops@example.com'], userPrincipalNames: ['svc@corp.example'] },
    },
    { alg: 'ES384', kty: 'ec', curve: 'secp384r1' },
  ],
];

describe('beginCreateCertificate with custom policies', () => {
  it.each(CUSTOM)(
    '%s: the certificate, its managed secret and its managed key agree',
    async (name, policy, want) => {
      const certificate = await create(name, policy);
      const x509 = x509Of(certificate);
      expect(x509.subject.split('\n').sort()).toEqual((policy.subject ?? '').split(', ').sort());
      expect(x509.publicKey.asymmetricKeyType).toBe(want.kty);
      if (want.bits) expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(want.bits);
      if (want.curve) expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe(want.curve);
      expect(monthsBetween(new Date(x509.validFrom), new Date(x509.validTo))).toBe(
        policy.validityInMonths ?? 12,
      );
      const sans = policy.subjectAlternativeNames;
      for (const dns of sans?.dnsNames ?? []) expect(x509.subjectAltName).toContain(`DNS:${dns}`);
      for (const email of sans?.emails ?? []) expect(x509.subjectAltName).toContain(`email:${email}`);
      for (const upn of sans?.userPrincipalNames ?? []) expect(x509.subjectAltName).toContain(`UPN:${upn}`);
      expect(certificate.policy?.contentType ?? 'application/x-pkcs12').toBe(
        policy.contentType ?? 'application/x-pkcs12',
      );

      const secret = await secrets.getSecret(name);
      expect(secret.properties.managed).toBe(true);
      if (policy.contentType === 'application/x-pem-file') {
        expect(secret.properties.contentType).toBe('application/x-pem-file');
        const pem = checkPem(secret.value ?? '');
        expect(pem.certificate.fingerprint256).toBe(x509.fingerprint256);
      } else {
        expect(secret.properties.contentType).toBe('application/x-pkcs12');
        checkPfx(Buffer.from(secret.value ?? '', 'base64'));
      }

      const key = await keys.getKey(name);
      expect(key.properties.managed).toBe(true);
      const data = randomBytes(64);
      const crypto = cryptographyClient(region, 'admin', certificate.keyId as string);
      const signed = await crypto.signData(want.alg as 'RS256', data);
      expect(verifiesWith(x509, data, signed.result, want.alg)).toBe(true);
      expect((await crypto.verifyData(want.alg as 'RS256', data, signed.result)).result).toBe(true);
    },
  );
});

describe('reads, versions, policy and properties', () => {
  const name = 'versioned';
  let first: KeyVaultCertificateWithPolicy;
  let second: KeyVaultCertificateWithPolicy;

  beforeAll(async () => {
    first = await create(name, { issuerName: 'Self', subject: 'CN=v1', validityInMonths: 3 });
    second = await create(name, {
      issuerName: 'Self',
      subject: 'CN=v2',
      keyType: 'EC',
      keyCurveName: 'P-256',
    });
  });

  it('gets the latest and a given version, each with its own managed key and secret version', async () => {
    const latest = await certificates.getCertificate(name);
    expect(latest.properties.version).toBe(second.properties.version);
    expect(x509Of(latest).subject).toBe('CN=v2');
    const older = await certificates.getCertificateVersion(name, first.properties.version as string);
    expect(new X509Certificate(Buffer.from(older.cer ?? [])).subject).toBe('CN=v1');
    const olderSecret = await secrets.getSecret(name, { version: first.properties.version });
    checkPfx(Buffer.from(olderSecret.value ?? '', 'base64'));
    expect((await keys.getKey(name, { version: first.properties.version })).keyType).toBe('RSA');
  });

  it('lists certificates and the versions of one', async () => {
    const names: string[] = [];
    for await (const item of certificates.listPropertiesOfCertificates()) names.push(item.name as string);
    expect(names).toEqual(expect.arrayContaining([name, 'default-policy']));
    const versions: string[] = [];
    for await (const item of certificates.listPropertiesOfCertificateVersions(name))
      versions.push(item.version as string);
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
    // Versions of a certificate that does not exist: an empty page, as the real service answers.
    const none: string[] = [];
    for await (const item of certificates.listPropertiesOfCertificateVersions('never-created'))
      none.push(item.version as string);
    expect(none).toEqual([]);
    // Managed keys and secrets are listed with their kind, flagged as managed.
    const managed: boolean[] = [];
    for await (const item of secrets.listPropertiesOfSecrets())
      if (item.name === name) managed.push(item.managed === true);
    expect(managed).toEqual([true]);
  });

  it('reads and updates the policy (the SDK answers the update from an empty body)', async () => {
    const policy = await certificates.getCertificatePolicy(name);
    expect(policy).toMatchObject({ subject: 'CN=v2', keyType: 'EC', keyCurveName: 'P-256', keySize: 256 });
    await certificates.updateCertificatePolicy(name, {
      issuerName: 'Self',
      subject: 'CN=v3',
      validityInMonths: 36,
      contentType: 'application/x-pem-file',
    });
    const updated = await certificates.getCertificatePolicy(name);
    expect(updated).toMatchObject({
      subject: 'CN=v3',
      validityInMonths: 36,
      contentType: 'application/x-pem-file',
      keyType: 'EC',
    });
    // The next version follows the stored policy.
    const poller = await certificates.beginCreateCertificate(name, updated, FAST_POLL);
    const third = await poller.pollUntilDone();
    expect(x509Of(third).subject).toBe('CN=v3');
    expect((await secrets.getSecret(name)).properties.contentType).toBe('application/x-pem-file');
  });

  it('updates tags and enabled; disabling the certificate disables its secret too', async () => {
    const updated = await certificates.updateCertificateProperties(name, '', {
      tags: { stage: 'two' },
      enabled: false,
    });
    expect(updated.properties).toMatchObject({ tags: { stage: 'two' }, enabled: false });
    const secretError = await expectRestError(secrets.getSecret(name), 403, 'Forbidden');
    expect(secretError.message).toContain('disabled');
    expect((await keys.getKey(name)).properties.enabled).toBe(false);
    await certificates.updateCertificateProperties(name, '', { enabled: true });
    expect((await secrets.getSecret(name)).properties.enabled).toBe(true);
  });
});
