import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { CertificateClient, CertificatePolicy } from '@azure/keyvault-certificates';
import { KnownContentType, type SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { checkPem, type OpensslCa, opensslCa, opensslCertificate } from '../support/certificate-files.ts';
import { secretClient } from '../support/clients.ts';
import {
  type FailoverStack,
  startFailoverStack,
  waitForState,
  waitUntilReplicated,
} from '../support/failover-stack.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';

// What api-version 2025-07-01 added to getSecret, with the real SecretClient: `outContentType` (a
// PKCS#12 certificate's secret converted to PEM on the way out) and `previousVersion` (a certificate's
// secret naming the version before it). Both are reads: at the global endpoint of a failed-over
// deployment the read-only secondary answers them from what replication carried.

let region: TestRegion;
let certificates: CertificateClient;
let secrets: SecretClient;
let ca: OpensslCa;

const PEM = KnownContentType.PEM;
const PFX = KnownContentType.PFX;

beforeAll(async () => {
  // Shares database 9 (external Redis) with the other certificate tests: names here start with outct-.
  region = await startTestRegion({ externalDb: 9 });
  certificates = certificateClient(region, 'admin');
  secrets = secretClient(region, 'admin');
  ca = opensslCa('/CN=Vaultover PEM Test CA');
});

afterAll(async () => {
  ca?.close();
  await region?.close();
});

async function create(
  name: string,
  policy: Partial<CertificatePolicy> = {},
  client: CertificateClient = certificates,
) {
  const poller = await client.beginCreateCertificate(
    name,
    { issuerName: 'Self', subject: `CN=${name}`, ...policy } as CertificatePolicy,
    FAST_POLL,
  );
  return poller.pollUntilDone();
}

/** The labels of a PEM text's blocks, in order. */
const blocks = (pem: string) => [...pem.matchAll(/-----BEGIN ([A-Z ]+)-----/g)].map((m) => m[1]);

/** The certificates of a PEM text, in order. */
const certificatesOf = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]),
  );

describe('getSecret(name, { outContentType })', () => {
  it('converts a PKCS#12 certificate secret to the PEM a PEM-policy certificate holds: key, then certificate', async () => {
    const certificate = await create('outct-pem-out-rsa');
    const stored = await secrets.getSecret('outct-pem-out-rsa');
    expect(stored.properties.contentType).toBe(PFX);

    const converted = await secrets.getSecret('outct-pem-out-rsa', { outContentType: PEM });
    expect(converted.properties.contentType).toBe(PEM);
    expect(converted.properties.id).toBe(stored.properties.id);
    const value = converted.value ?? '';
    const { privateKey, certificate: leaf } = checkPem(value);
    expect(leaf.raw.equals(Buffer.from(certificate.cer ?? []))).toBe(true);
    expect(privateKey.asymmetricKeyType).toBe('rsa');
    expect(createPrivateKey(value).export({ type: 'pkcs8', format: 'der' }).length).toBeGreaterThan(0);

    // The same layout as the secret of a certificate whose policy asks for PEM.
    await create('outct-pem-out-native', { contentType: PEM });
    const native = await secrets.getSecret('outct-pem-out-native');
    expect(native.properties.contentType).toBe(PEM);
    expect(blocks(value)).toEqual(blocks(native.value ?? ''));
    expect(blocks(value)).toEqual(['PRIVATE KEY', 'CERTIFICATE']);

    // A later plain read still answers what is stored.
    expect((await secrets.getSecret('outct-pem-out-rsa')).value).toBe(stored.value);
  });

  it('converts an EC certificate, and a version named explicitly', async () => {
    const certificate = await create('outct-pem-out-ec', { keyType: 'EC', keyCurveName: 'P-256' });
    const converted = await secrets.getSecret('outct-pem-out-ec', {
      outContentType: PEM,
      version: certificate.properties.version,
    });
    const { privateKey, certificate: leaf } = checkPem(converted.value ?? '');
    expect(privateKey.asymmetricKeyType).toBe('ec');
    expect(leaf.raw.equals(Buffer.from(certificate.cer ?? []))).toBe(true);
    expect(converted.properties.version).toBe(certificate.properties.version);
  });

  it('keeps the chain a merge brought, after the leaf', async () => {
    const name = 'outct-pem-out-merged';
    await certificates.beginCreateCertificate(name, {
      issuerName: 'Unknown',
      subject: `CN=${name}`,
    });
    const poller = await certificates.getCertificateOperation(name);
    const csr = poller.getOperationState().certificateOperation?.csr;
    if (!csr) throw new Error('no CSR');
    const leafDer = ca.sign(csr);
    await certificates.mergeCertificate(name, [leafDer, Buffer.from(ca.certificate.raw)]);

    const converted = await secrets.getSecret(name, { outContentType: PEM });
    const value = converted.value ?? '';
    expect(blocks(value)).toEqual(['PRIVATE KEY', 'CERTIFICATE', 'CERTIFICATE']);
    const [leaf, issuer] = certificatesOf(value);
    expect(leaf?.raw.equals(leafDer)).toBe(true);
    expect(issuer?.fingerprint256).toBe(ca.certificate.fingerprint256);
    expect(checkPem(value).certificate.checkIssued(ca.certificate)).toBe(true);
  });

  it('converts a certificate whose key is not exportable to its certificate alone', async () => {
    const certificate = await create('outct-pem-out-noexport', { exportable: false });
    const converted = await secrets.getSecret('outct-pem-out-noexport', { outContentType: PEM });
    const value = converted.value ?? '';
    expect(converted.properties.contentType).toBe(PEM);
    expect(blocks(value)).toEqual(['CERTIFICATE']);
    expect(new X509Certificate(value).raw.equals(Buffer.from(certificate.cer ?? []))).toBe(true);
  });

  it('answers a secret already in the format asked for as stored; PEM to PKCS#12 is refused', async () => {
    await create('outct-pem-out-same', { contentType: PEM });
    const stored = await secrets.getSecret('outct-pem-out-same');
    const asPem = await secrets.getSecret('outct-pem-out-same', { outContentType: PEM });
    expect([asPem.value, asPem.properties.contentType]).toEqual([stored.value, PEM]);
    const error = await expectRestError(
      secrets.getSecret('outct-pem-out-same', { outContentType: PFX }),
      400,
      'BadParameter',
    );
    expect(error.message).toContain('only PFX to PEM conversion is supported');
    expect(error.message).not.toContain('PRIVATE KEY');

    await create('outct-pfx-out-same');
    const pfx = await secrets.getSecret('outct-pfx-out-same');
    const asPfx = await secrets.getSecret('outct-pfx-out-same', { outContentType: PFX });
    expect([asPfx.value, asPfx.properties.contentType]).toEqual([pfx.value, PFX]);
  });

  it('answers a secret no certificate manages as stored, whatever its contentType says', async () => {
    await secrets.setSecret('outct-plain-out', 'not-a-pfx', { contentType: PFX });
    for (const outContentType of [PEM, PFX]) {
      const read = await secrets.getSecret('outct-plain-out', { outContentType });
      expect([read.value, read.properties.contentType]).toEqual(['not-a-pfx', PFX]);
    }
  });

  it('refuses a format outside the two with BadParameter, never echoing the value', async () => {
    await secrets.setSecret('outct-plain-out-unknown', 'do-not-echo-me');
    for (const name of ['outct-plain-out-unknown', 'outct-pem-out-rsa']) {
      const error = await expectRestError(
        secrets.getSecret(name, { outContentType: 'text/plain' }),
        400,
        'BadParameter',
      );
      expect(error.message).toContain("'outContentType'");
      expect(error.message).not.toContain('do-not-echo-me');
    }
    // Media types are case-insensitive.
    const upper = await secrets.getSecret('outct-pem-out-rsa', { outContentType: PEM.toUpperCase() });
    expect(upper.properties.contentType).toBe(PEM);
  });

  it('is ignored before api-version 2025-07-01, as any parameter the version does not know', async () => {
    const stored = await secrets.getSecret('outct-pem-out-rsa');
    for (const serviceVersion of ['7.6', '2025-06-01-preview']) {
      const older = secretClient(region, 'admin', region.url, {
        serviceVersion: serviceVersion as '7.6',
      });
      const read = await older.getSecret('outct-pem-out-rsa', { outContentType: PEM });
      expect([read.value, read.properties.contentType]).toEqual([stored.value, PFX]);
      const unknown = await older.getSecret('outct-pem-out-rsa', { outContentType: 'text/plain' });
      expect(unknown.properties.contentType).toBe(PFX);
    }
  });
});

describe('previousVersion', () => {
  it('names the version before a renewal on the new version of the certificate secret only', async () => {
    const first = await create('outct-prev-renewed');
    const second = await create('outct-prev-renewed');
    const latest = await secrets.getSecret('outct-prev-renewed');
    expect(latest.properties.version).toBe(second.properties.version);
    expect(latest.properties.previousVersion).toBe(first.properties.version);
    const older = await secrets.getSecret('outct-prev-renewed', { version: first.properties.version });
    expect(older.properties.previousVersion).toBeUndefined();
    // With a conversion too: the bundle is the same but for value and contentType.
    const converted = await secrets.getSecret('outct-prev-renewed', { outContentType: PEM });
    expect(converted.properties.previousVersion).toBe(first.properties.version);
  });

  it('names the version before an import, and the waiting version before a merge', async () => {
    const created = await create('outct-prev-import');
    const made = opensslCertificate('/CN=prev-import', ['-newkey', 'rsa:2048'], 'pw');
    const imported = await certificates.importCertificate('outct-prev-import', made.pfx, { password: 'pw' });
    expect((await secrets.getSecret('outct-prev-import')).properties.previousVersion).toBe(
      created.properties.version,
    );

    const name = 'outct-prev-merge';
    await certificates.beginCreateCertificate(name, { issuerName: 'Unknown', subject: `CN=${name}` });
    const waiting = await certificates.getCertificate(name);
    const csr = (await certificates.getCertificateOperation(name)).getOperationState().certificateOperation
      ?.csr;
    if (!csr) throw new Error('no CSR');
    const merged = await certificates.mergeCertificate(name, [ca.sign(csr)]);
    const secret = await secrets.getSecret(name);
    expect(secret.properties.version).toBe(merged.properties.version);
    expect(secret.properties.previousVersion).toBe(waiting.properties.version);
    expect(imported.properties.version).not.toBe(created.properties.version);
  });

  it('is kept by a certificate backup and restore, and shown on the deleted secret', async () => {
    const name = 'outct-prev-restored';
    const first = await create(name);
    await create(name);
    const backup = await certificates.backupCertificate(name);
    await (await certificates.beginDeleteCertificate(name, FAST_POLL)).pollUntilDone();
    const deleted = await secrets.getDeletedSecret(name);
    expect(deleted.properties.previousVersion).toBe(first.properties.version);
    await certificates.purgeDeletedCertificate(name);
    await certificates.restoreCertificateBackup(backup ?? new Uint8Array());
    expect((await secrets.getSecret(name)).properties.previousVersion).toBe(first.properties.version);
  });

  it('is never set on a plain secret, and not shown before api-version 2025-07-01', async () => {
    await secrets.setSecret('outct-prev-plain', 'one');
    await secrets.setSecret('outct-prev-plain', 'two');
    expect((await secrets.getSecret('outct-prev-plain')).properties.previousVersion).toBeUndefined();
    const older = secretClient(region, 'admin', region.url, { serviceVersion: '7.6' });
    expect((await older.getSecret('outct-prev-renewed')).properties.previousVersion).toBeUndefined();
  });
});

describe('at the global endpoint, after a failover', () => {
  let stack: FailoverStack;

  beforeAll(async () => {
    stack = await startFailoverStack({ failover: { autoFailback: false } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('the read-only secondary converts and names the previous version from what replication carried', async () => {
    // A busy machine may delay the primary's lease renewal: its writes are then refused with 503 for a
    // moment, which the SDK's retries ride out (the other clients here have retries off).
    const retrying = { retryOptions: { maxRetries: 5, retryDelayInMs: 200 } };
    const gatewayCertificates = certificateClient(stack.gateway, 'admin', stack.gateway.url, retrying);
    const gatewaySecrets = secretClient(stack.gateway, 'admin', stack.gateway.url, retrying);
    const first = await create('outct-failover', {}, gatewayCertificates);
    await create('outct-failover', {}, gatewayCertificates);
    const before = await gatewaySecrets.getSecret('outct-failover', { outContentType: PEM });
    expect(before.properties.previousVersion).toBe(first.properties.version);
    // Everything written so far has reached the secondary (replication is asynchronous).
    await waitUntilReplicated(stack);
    expect((await stack.controlPost('failover')).status).toBe(202);
    await waitForState(stack, 'failed-over');
    // Writes are refused: the secondary serves, read-only.
    const once = secretClient(stack.gateway, 'admin');
    await expectRestError(once.setSecret('outct-after-failover', 'x'), 503, 'ServiceUnavailable');

    const after = await once.getSecret('outct-failover', { outContentType: PEM });
    expect(after.value).toBe(before.value);
    expect(after.properties).toMatchObject({
      contentType: PEM,
      previousVersion: first.properties.version,
      version: before.properties.version,
    });
    checkPem(after.value ?? '');
  });
});
