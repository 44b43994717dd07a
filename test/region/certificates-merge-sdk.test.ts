import { X509Certificate } from 'node:crypto';
import type { CertificateClient, CertificateOperation } from '@azure/keyvault-certificates';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient } from '../support/certificate-clients.ts';
import {
  checkPem,
  checkPfx,
  type OpensslCa,
  opensslCa,
  opensslPfxParts,
} from '../support/certificate-files.ts';
import { API, rawRequest, secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';

// Certificates signed outside the vault, with the real CertificateClient: create with issuer Unknown
// (a pending operation with a CSR), sign the CSR with a CA this test makes (OpenSSL's command line),
// merge the chain, then read the certificate and its secret (PFX and PEM, with the chain) back.
// Cancellation and deletion of the operation, and the merge's refusals.

let region: TestRegion;
let certificates: CertificateClient;
let secrets: SecretClient;
let ca: OpensslCa;

beforeAll(async () => {
  // Shares database 9 (external Redis) with the other certificate tests: names here start with merge-.
  region = await startTestRegion({ externalDb: 9 });
  certificates = certificateClient(region, 'admin');
  secrets = secretClient(region, 'admin');
  ca = opensslCa('/CN=Vaultover Test CA');
});

afterAll(async () => {
  ca?.close();
  await region?.close();
});

/** Starts a creation with issuer Unknown; the poller's first poll already reads the operation. */
async function createPending(name: string, contentType = 'application/x-pkcs12') {
  const poller = await certificates.beginCreateCertificate(name, {
    issuerName: 'Unknown',
    subject: `CN=${name}`,
    subjectAlternativeNames: { dnsNames: [`${name}.example`] },
    contentType: contentType as 'application/x-pkcs12',
  });
  expect(poller.isDone()).toBe(false);
  return operationOf(name);
}

async function operationOf(name: string): Promise<CertificateOperation> {
  const poller = await certificates.getCertificateOperation(name);
  const operation = poller.getOperationState().certificateOperation;
  if (!operation) throw new Error(`no operation for ${name}`);
  return operation;
}

const base64 = (der: Uint8Array) => Buffer.from(der).toString('base64');

describe('issuer Unknown, then mergeCertificate', () => {
  it('waits with a CSR of the policy, then merges the CA-signed chain into a live version with key and secret', async () => {
    const name = 'merge-pfx';
    const operation = await createPending(name);
    expect(operation).toMatchObject({
      issuerName: 'Unknown',
      certificateTransparency: undefined, // the operation names its issuer alone
      status: 'inProgress',
      statusDetails: 'Pending certificate created. Please Perform Merge to complete the request.',
      cancellationRequested: false,
    });

    // The waiting version: disabled, without certificate, key or secret to name.
    const waiting = await certificates.getCertificate(name);
    expect(waiting.cer).toBeUndefined();
    expect(waiting.keyId).toBeUndefined();
    expect(waiting.properties.enabled).toBe(false);
    expect(waiting.policy?.issuerName).toBe('Unknown');

    // OpenSSL signs the CSR, copying the extensions it asks for: subject and SAN come from the policy.
    const leafDer = ca.sign(operation.csr ?? new Uint8Array());
    const leaf = new X509Certificate(leafDer);
    expect(leaf.subject).toBe(`CN=${name}`);
    expect(leaf.subjectAltName).toBe(`DNS:${name}.example`);
    expect(leaf.checkIssued(ca.certificate)).toBe(true);

    const merged = await certificates.mergeCertificate(name, [leafDer, ca.certificate.raw]);
    expect(base64(merged.cer ?? new Uint8Array())).toBe(leafDer.toString('base64'));
    expect(merged.properties.enabled).toBe(true);
    expect(merged.properties.version).not.toBe(waiting.properties.version);
    expect(merged.keyId).toBe(`${region.url}/keys/${name}/${merged.properties.version}`);

    expect(await operationOf(name)).toMatchObject({
      status: 'completed',
      target: `${region.url}/certificates/${name}`,
      statusDetails: undefined,
    });
    const latest = await certificates.getCertificate(name);
    expect(latest.properties.version).toBe(merged.properties.version);

    // The secret: a PFX with the key, the leaf (paired with the key) and the CA after it.
    const secret = await secrets.getSecret(name);
    expect(secret.properties.contentType).toBe('application/x-pkcs12');
    const pfx = Buffer.from(secret.value ?? '', 'base64');
    checkPfx(pfx);
    const parts = opensslPfxParts(pfx);
    expect(parts.leaf).toEqual([leafDer.toString('base64')]);
    expect(parts.chain).toEqual([base64(ca.certificate.raw)]);
    expect(parts.key).toBeDefined();
  });

  it('merges x5c items that are base64 of PEM text (as the JS SDK samples send); the PEM secret ends with the chain', async () => {
    const name = 'merge-pem';
    const operation = await createPending(name, 'application/x-pem-file');
    const leafDer = ca.sign(operation.csr ?? new Uint8Array());
    const leafPem = new X509Certificate(leafDer).toString();
    await certificates.mergeCertificate(name, [Buffer.from(leafPem), Buffer.from(ca.certificate.toString())]);

    const pem = (await secrets.getSecret(name)).value ?? '';
    const { certificate } = checkPem(pem); // the private key is the leaf's
    expect(certificate.raw.equals(leafDer)).toBe(true);
    const blocks = pem.match(/-----BEGIN [A-Z ]+-----/g);
    expect(blocks).toEqual([
      '-----BEGIN PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
    ]);
    expect(pem.trimEnd().endsWith(ca.certificate.toString().trimEnd())).toBe(true);
  });

  it('merges an x5c item that is base64 of the base64 text cut from a PEM file with its END line (as the SDK live test sends)', async () => {
    const name = 'merge-cut-pem';
    const operation = await createPending(name);
    const leafDer = ca.sign(operation.csr ?? new Uint8Array());
    // The file's lines without the first (BEGIN) and the empty last one, joined: the END line stays.
    const cut = new X509Certificate(leafDer).toString().split('\n').slice(1, -1).join('');
    expect(cut.endsWith('-----END CERTIFICATE-----')).toBe(true);
    const merged = await certificates.mergeCertificate(name, [Buffer.from(cut)]);
    expect(Buffer.from(merged.cer ?? new Uint8Array()).equals(leafDer)).toBe(true);
    expect((await operationOf(name)).status).toBe('completed');
    // Text that is not base64 stays unreadable.
    const other = 'merge-cut-garbage';
    await createPending(other);
    const refused = await expectRestError(
      certificates.mergeCertificate(other, [Buffer.from('MIIB!!not-base64-----END CERTIFICATE-----')]),
      400,
      'BadParameter',
    );
    expect(refused.message).toBe('Property x5c has invalid value X5C must has at least one valid item');
  });

  it('refuses a leaf for another key, an unreadable x5c, and a create while the operation is in progress', async () => {
    const name = 'merge-refusals';
    const other = 'merge-other-key';
    const operation = await createPending(name);
    const otherLeaf = ca.sign((await createPending(other)).csr ?? new Uint8Array());

    const mismatch = await expectRestError(
      certificates.mergeCertificate(name, [otherLeaf]),
      400,
      'BadParameter',
    );
    expect(mismatch.message).toBe("Public key from x509 certificate and key of this instance doesn't match");
    const garbage = await expectRestError(
      certificates.mergeCertificate(name, [Buffer.from('not a certificate')]),
      400,
      'BadParameter',
    );
    expect(garbage.message).toBe('Property x5c has invalid value X5C must has at least one valid item');

    const again = certificates.beginCreateCertificate(name, { issuerName: 'Self', subject: `CN=${name}` });
    const conflict = await expectRestError(again, 409, 'Forbidden');
    expect(conflict.message).toBe(
      "A new key vault certificate can not be created or imported while a pending key vault certificate's status is inProgress.",
    );

    // A merge is a certificate create in RBAC terms: a reader may not.
    const asReader = certificateClient(region, 'reader');
    const denied = await expectRestError(asReader.mergeCertificate(name, [otherLeaf]), 403, 'Forbidden');
    expect(denied.message).toContain('Microsoft.KeyVault/vaults/certificates/create/action');

    // Nothing of the refusals stuck: the operation still waits, and the right leaf merges.
    expect((await operationOf(name)).status).toBe('inProgress');
    const merged = await certificates.mergeCertificate(name, [ca.sign(operation.csr ?? new Uint8Array())]);
    expect(merged.properties.enabled).toBe(true);
    // A completed operation has nothing left to merge.
    await expectRestError(certificates.mergeCertificate(name, [otherLeaf]), 400, 'BadParameter');
  });
});

describe('listing certificates not completely provisioned', () => {
  const names = async (items: AsyncIterable<{ name?: string }>) => {
    const listed: string[] = [];
    for await (const item of items) listed.push(item.name ?? '');
    return listed;
  };

  it('lists a waiting certificate only with includePending, live and deleted, and by default once merged', async () => {
    const name = 'merge-listed';
    const operation = await createPending(name);
    expect(await names(certificates.listPropertiesOfCertificates())).not.toContain(name);
    expect(await names(certificates.listPropertiesOfCertificates({ includePending: true }))).toContain(name);

    await certificates.mergeCertificate(name, [ca.sign(operation.csr ?? new Uint8Array())]);
    expect(await names(certificates.listPropertiesOfCertificates())).toContain(name);

    const waitingDeleted = 'merge-listed-deleted';
    await createPending(waitingDeleted);
    await (await certificates.beginDeleteCertificate(waitingDeleted, { intervalInMs: 10 })).pollUntilDone();
    const deleted = async (includePending?: boolean) => {
      const listed: string[] = [];
      for await (const item of certificates.listDeletedCertificates({ includePending }))
        listed.push(item.name);
      return listed;
    };
    expect(await deleted()).not.toContain(waitingDeleted);
    expect(await deleted(true)).toContain(waitingDeleted);

    // The next link keeps the page size but, as the real service's, not the flag.
    const first = await rawRequest(region, {
      path: `/certificates?${API}&maxresults=1&includePending=true`,
      principal: 'admin',
    });
    const nextLink = new URL((first.json as { nextLink: string }).nextLink);
    expect(nextLink.searchParams.get('maxresults')).toBe('1');
    expect(nextLink.searchParams.has('includePending')).toBe(false);
  });
});

describe('cancelling and deleting the operation', () => {
  it('records a cancellation (the operation stays inProgress), then deleteCertificateOperation forgets it', async () => {
    const name = 'merge-cancelled';
    await createPending(name);
    const poller = await certificates.getCertificateOperation(name);
    await poller.cancelOperation();
    expect(poller.getOperationState().certificateOperation).toMatchObject({
      cancellationRequested: true,
      status: 'inProgress',
    });
    expect(await operationOf(name)).toMatchObject({ cancellationRequested: true, status: 'inProgress' });

    const deleted = await certificates.deleteCertificateOperation(name);
    expect(deleted).toMatchObject({ status: 'inProgress', cancellationRequested: true });
    await expectRestError(certificates.getCertificateOperation(name), 404, 'PendingCertificateNotFound');
    // With no operation there is nothing to merge into.
    await expectRestError(
      certificates.mergeCertificate(name, [ca.certificate.raw]),
      404,
      'PendingCertificateNotFound',
    );
  });

  it('refuses to cancel a completed operation, and a cancellation body without the flag', async () => {
    const name = 'merge-cancel-late';
    await (
      await certificates.beginCreateCertificate(name, { issuerName: 'Self', subject: `CN=${name}` })
    ).pollUntilDone();
    const patch = (body: unknown) =>
      rawRequest(region, {
        method: 'PATCH',
        path: `/certificates/${name}/pending?${API}`,
        principal: 'admin',
        body,
      });
    const late = await patch({ cancellation_requested: true });
    expect(late.status).toBe(400);
    expect(late.json).toMatchObject({ error: { code: 'BadParameter' } });
    const empty = await patch({});
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({
      error: {
        code: 'BadParameter',
        message:
          "Invalid certificate operation: 'cancellation_requested' is required: true requests the cancellation.",
      },
    });
  });
});
