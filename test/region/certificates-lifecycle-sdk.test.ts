import { randomBytes, X509Certificate } from 'node:crypto';
import type { CertificateClient } from '@azure/keyvault-certificates';
import type { KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { checkPem, checkPfx, opensslCertificate, verifiesWith } from '../support/certificate-files.ts';
import { secretClient } from '../support/clients.ts';
import { cryptographyClient, keyClient } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// The rest of a certificate's life with the real clients: import (PKCS#12 with a password, PEM), soft
// delete, recovery, purge and backup/restore, always of the certificate together with its managed
// key and secret; and the keys and secrets APIs refusing to change those on their own.

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

async function createSelfSigned(name: string) {
  const poller = await certificates.beginCreateCertificate(
    name,
    { issuerName: 'Self', subject: `CN=${name}` },
    FAST_POLL,
  );
  return poller.pollUntilDone();
}

describe('importCertificate', () => {
  it('imports a password-protected PKCS#12 made by OpenSSL; the secret is a password-less PFX of the same key', async () => {
    const made = opensslCertificate('/CN=imported-pfx/O=Vaultover', ['-newkey', 'rsa:2048'], 's3cret!');
    const imported = await certificates.importCertificate('imported-pfx', made.pfx, {
      password: 's3cret!',
      tags: { src: 'pfx' },
    });
    expect(new X509Certificate(Buffer.from(imported.cer ?? [])).fingerprint256).toBe(
      made.certificate.fingerprint256,
    );
    expect(imported.policy).toMatchObject({
      issuerName: 'Unknown',
      keyType: 'RSA',
      keySize: 2048,
      contentType: 'application/x-pkcs12',
    });
    expect(imported.properties.tags).toEqual({ src: 'pfx' });
    const secret = await secrets.getSecret('imported-pfx');
    checkPfx(Buffer.from(secret.value ?? '', 'base64'));
    const data = randomBytes(32);
    const signed = await cryptographyClient(region, 'admin', imported.keyId as string).signData(
      'RS256',
      data,
    );
    expect(verifiesWith(made.certificate, data, signed.result, 'RS256')).toBe(true);
    await expect(certificates.getCertificateOperation('imported-pfx')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('imports PEM (EC key and certificate) when the policy says application/x-pem-file', async () => {
    const made = opensslCertificate(
      '/CN=imported-pem',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      'x',
    );
    const imported = await certificates.importCertificate('imported-pem', Buffer.from(made.pem), {
      policy: { contentType: 'application/x-pem-file' },
    });
    expect(imported.policy).toMatchObject({
      keyType: 'EC',
      keyCurveName: 'P-256',
      contentType: 'application/x-pem-file',
    });
    const secret = await secrets.getSecret('imported-pem');
    expect(secret.properties.contentType).toBe('application/x-pem-file');
    expect(checkPem(secret.value ?? '').certificate.fingerprint256).toBe(made.certificate.fingerprint256);
    const data = randomBytes(32);
    const signed = await cryptographyClient(region, 'admin', imported.keyId as string).signData(
      'ES256',
      data,
    );
    expect(verifiesWith(made.certificate, data, signed.result, 'ES256')).toBe(true);
  });

  it('re-imports a certificate from its own managed secret, as the SDK documents', async () => {
    await createSelfSigned('export-source');
    const secret = await secrets.getSecret('export-source');
    const copy = await certificates.importCertificate(
      'export-copy',
      Buffer.from(secret.value ?? '', 'base64'),
    );
    const source = await certificates.getCertificate('export-source');
    expect(Buffer.from(copy.cer ?? []).equals(Buffer.from(source.cer ?? []))).toBe(true);
  });
});

describe('managed key and secret through the keys and secrets APIs', () => {
  it('can be read but not updated, deleted or backed up on their own', async () => {
    await createSelfSigned('guarded');
    expect((await keys.getKey('guarded')).properties.managed).toBe(true);
    expect((await secrets.getSecret('guarded')).properties.managed).toBe(true);
    const refusals = [
      () => keys.beginDeleteKey('guarded'),
      () => keys.updateKeyProperties('guarded', '', { enabled: false }),
      () => keys.backupKey('guarded'),
      () => secrets.beginDeleteSecret('guarded'),
      () => secrets.updateSecretProperties('guarded', '', { enabled: false }),
      () => secrets.backupSecret('guarded'),
    ];
    for (const refusal of refusals) {
      const error = await expectRestError(refusal(), 403, 'Forbidden');
      expect(error.message).toContain('managed by certificate guarded');
    }
    expect(innerCode(await expectRestError(keys.beginDeleteKey('guarded'), 403, 'Forbidden'))).toBe(
      'ManagedKey',
    );
    expect((await keys.getKey('guarded')).properties.enabled).toBe(true);
  });

  it('refuses to create a certificate over a key or secret that no certificate manages (409)', async () => {
    await secrets.setSecret('plain-secret', 'value');
    await expectRestError(
      certificates.beginCreateCertificate('plain-secret', { issuerName: 'Self', subject: 'CN=x' }, FAST_POLL),
      409,
      'Conflict',
    );
    await expectRestError(certificates.getCertificate('plain-secret'), 404, 'CertificateNotFound');
    await expectRestError(keys.getKey('plain-secret'), 404, 'KeyNotFound');
  });
});

describe('soft delete, recovery and purge take the key and secret along', () => {
  it('deletes, lists, recovers and purges the certificate with its managed key and secret', async () => {
    const created = await createSelfSigned('doomed');
    const deletePoller = await certificates.beginDeleteCertificate('doomed', FAST_POLL);
    const deleted = await deletePoller.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${region.url}/deletedcertificates/doomed`);
    expect(deleted.scheduledPurgeDate && deleted.deletedOn).toBeTruthy();
    expect((await certificates.getDeletedCertificate('doomed')).properties.version).toBe(
      created.properties.version,
    );
    const listed: string[] = [];
    for await (const item of certificates.listDeletedCertificates()) listed.push(item.name);
    expect(listed).toContain('doomed');
    await expectRestError(keys.getKey('doomed'), 404, 'KeyNotFound');
    await expectRestError(secrets.getSecret('doomed'), 404, 'SecretNotFound');
    // The managed key and secret are deleted too: readable as deleted, not listed as such.
    expect((await keys.getDeletedKey('doomed')).properties.managed).toBe(true);
    expect((await secrets.getDeletedSecret('doomed')).properties.managed).toBe(true);
    for await (const key of keys.listDeletedKeys()) expect(key.name).not.toBe('doomed');
    for await (const secret of secrets.listDeletedSecrets()) expect(secret.name).not.toBe('doomed');
    await expectRestError(keys.purgeDeletedKey('doomed'), 403, 'Forbidden');

    const recovered = await (
      await certificates.beginRecoverDeletedCertificate('doomed', FAST_POLL)
    ).pollUntilDone();
    expect(recovered.properties.version).toBe(created.properties.version);
    expect((await keys.getKey('doomed')).properties.version).toBe(created.properties.version);
    checkPfx(Buffer.from((await secrets.getSecret('doomed')).value ?? '', 'base64'));

    await (await certificates.beginDeleteCertificate('doomed', FAST_POLL)).pollUntilDone();
    await certificates.purgeDeletedCertificate('doomed');
    await expectRestError(certificates.getDeletedCertificate('doomed'), 404, 'CertificateNotFound');
    await expectRestError(keys.getDeletedKey('doomed'), 404, 'KeyNotFound');
    await expectRestError(secrets.getDeletedSecret('doomed'), 404, 'SecretNotFound');
    // The name is free again for all three.
    expect((await createSelfSigned('doomed')).name).toBe('doomed');
  });
});

describe('backupCertificate and restoreCertificateBackup', () => {
  it("refuses malformed backup bytes with 400 and the real service's message", async () => {
    const error = await expectRestError(
      certificates.restoreCertificateBackup(new Uint8Array(4728)),
      400,
      'BadParameter',
    );
    expect(error.message).toBe('Backup blob contains invalid or corrupt version.');
  });

  it('restores every version with its key and secret; 409 while the name exists', async () => {
    const first = await createSelfSigned('kept');
    const second = await createSelfSigned('kept');
    const backup = await certificates.backupCertificate('kept');
    expect(backup?.length).toBeGreaterThan(100);
    const conflict = await expectRestError(
      certificates.restoreCertificateBackup(backup as Uint8Array),
      409,
      'Conflict',
    );
    // The restore conflict of secrets and keys, naming the backup's latest version; no inner code.
    expect(conflict.message).toMatch(/^There was a conflict restoring the certificate '/);
    expect(conflict.message).toContain(`/certificates/kept/${second.properties.version}'`);
    expect(innerCode(conflict)).toBeUndefined();

    await (await certificates.beginDeleteCertificate('kept', FAST_POLL)).pollUntilDone();
    await certificates.purgeDeletedCertificate('kept');
    const restored = await certificates.restoreCertificateBackup(backup as Uint8Array);
    expect(restored.properties.version).toBe(second.properties.version);
    expect(restored.policy?.subject).toBe('CN=kept');
    const versions: string[] = [];
    for await (const item of certificates.listPropertiesOfCertificateVersions('kept'))
      versions.push(item.version as string);
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
    const key = await keys.getKey('kept', { version: first.properties.version });
    expect(key.properties.managed).toBe(true);
    checkPfx(Buffer.from((await secrets.getSecret('kept')).value ?? '', 'base64'));
    const data = randomBytes(16);
    const signed = await cryptographyClient(region, 'admin', restored.keyId as string).signData(
      'RS256',
      data,
    );
    expect(
      verifiesWith(new X509Certificate(Buffer.from(restored.cer ?? [])), data, signed.result, 'RS256'),
    ).toBe(true);
  });
});
