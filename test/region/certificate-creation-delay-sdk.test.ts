import type { CertificateClient, CertificatePolicy } from '@azure/keyvault-certificates';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { API, rawRequest, secretClient, shiftTime } from '../support/clients.ts';
import { restartTestRegion, startTestRegion, type TestRegion } from '../support/region.ts';

// A self-signed creation under a creation delay (`delays.certificateCreateMs`), as the real service runs
// it: the operation is inProgress until the delay passes, the SDK's create poller waits (resumed from its
// state too), and a cancellation meanwhile ends it as `cancelled`. The delay is a simulated minute, ended
// by shifting the region's clock.

const DELAY_SECONDS = 60;
const IN_PROGRESS =
  'Pending certificate created. Certificate request is in progress. ' +
  'This may take some time based on the issuer provider. Please check again later.';

const DELAYS = { certificateCreateMs: DELAY_SECONDS * 1000 };

let region: TestRegion;
let certificates: CertificateClient;
let secrets: SecretClient;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, node: { delays: DELAYS } });
  certificates = certificateClient(region, 'admin');
  secrets = secretClient(region, 'admin');
});

/** Restarts the region's node on the same Redis and data directory (a fresh clock), with new clients. */
async function restartNode(): Promise<void> {
  region = await restartTestRegion(region, { delays: DELAYS });
  certificates = certificateClient(region, 'admin');
  secrets = secretClient(region, 'admin');
}

afterAll(async () => {
  await region?.close();
});

function policyOf(name: string): CertificatePolicy {
  return { issuerName: 'Self', subject: `CN=${name}` };
}

async function pendingOf(name: string) {
  const response = await rawRequest(region, {
    path: `/certificates/${name}/pending?${API}`,
    principal: 'admin',
  });
  expect(response.status).toBe(200);
  return response.json as Record<string, unknown>;
}

/** `POST /certificates/{name}/create` of a self-signed certificate, as sent on the wire. */
function createRaw(name: string) {
  return rawRequest(region, {
    method: 'POST',
    path: `/certificates/${name}/create?${API}`,
    principal: 'admin',
    body: { policy: { issuer: { name: 'Self' }, x509_props: { subject: `CN=${name}` } } },
  });
}

async function versionsOf(name: string): Promise<string[]> {
  const versions: string[] = [];
  for await (const properties of certificates.listPropertiesOfCertificateVersions(name))
    versions.push(properties.version ?? '');
  return versions;
}

describe('self-signed creation under a creation delay', () => {
  it('is inProgress until the delay passes; the poller waits, and one resumed from its state ends with the certificate live, in the waiting version', async () => {
    const name = 'delayed-create';
    const poller = await certificates.beginCreateCertificate(name, policyOf(name), FAST_POLL);
    expect(poller.isDone()).toBe(false);
    await poller.poll();
    expect(poller.isDone()).toBe(false);
    const pending = await pendingOf(name);
    expect(pending).toMatchObject({
      issuer: { name: 'Self' },
      status: 'inProgress',
      status_details: IN_PROGRESS,
      cancellation_requested: false,
    });
    expect(pending).not.toHaveProperty('target');
    expect(pending).not.toHaveProperty('delayed');
    // Meanwhile the certificate is its waiting version: disabled, no X.509 yet.
    const waiting = await certificates.getCertificate(name);
    expect(waiting.properties.enabled).toBe(false);
    expect(waiting.cer).toBeUndefined();
    // A second create while this one is in progress is refused, as the real service refuses it.
    const again = await createRaw(name);
    expect(again.status).toBe(409);

    const state = poller.toString();
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    const resumed = await certificates.beginCreateCertificate(name, policyOf(name), {
      ...FAST_POLL,
      resumeFrom: state,
    });
    const certificate = await resumed.pollUntilDone();
    expect(certificate.cer?.length).toBeGreaterThan(0);
    expect(certificate.properties.enabled).toBe(true);
    expect(certificate.properties.version).toBe(waiting.properties.version);
    expect(await versionsOf(name)).toEqual([waiting.properties.version]);
    expect(await pendingOf(name)).toMatchObject({
      status: 'completed',
      target: `${region.url}/certificates/${name}`,
    });
    expect((await pendingOf(name)).status_details).toBeUndefined();
    // The managed secret now holds the certificate with its key.
    expect((await secrets.getSecret(name)).value?.length).toBeGreaterThan(0);
  });

  it('cancelling during the delay: the operation ends cancelled and the waiting version stays as it was', async () => {
    const name = 'delayed-cancel';
    const poller = await certificates.beginCreateCertificate(name, policyOf(name), FAST_POLL);
    expect(poller.isDone()).toBe(false);
    const state = poller.toString();
    // The operation's poller sends the PATCH (cancelOperation(): its cancelCertificateOperation). As the
    // real service answers that request: recorded, still inProgress.
    const operationPoller = await certificates.getCertificateOperation(name);
    await operationPoller.cancelOperation();
    expect(operationPoller.getOperationState().certificateOperation).toMatchObject({
      cancellationRequested: true,
      status: 'inProgress',
    });

    const resumed = await certificates.beginCreateCertificate(name, policyOf(name), {
      ...FAST_POLL,
      resumeFrom: state,
    });
    const ended = await resumed.pollUntilDone();
    expect(ended.cer).toBeUndefined();
    expect(ended.properties.enabled).toBe(false);
    const operation = (await certificates.getCertificateOperation(name)).getOperationState()
      .certificateOperation;
    expect(operation).toMatchObject({ status: 'cancelled', cancellationRequested: true });
    expect(operation?.statusDetails).toBeUndefined();

    // The due time passing changes nothing: cancelled stays cancelled, with one waiting version.
    await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
    expect((await pendingOf(name)).status).toBe('cancelled');
    expect((await certificates.getCertificate(name)).cer).toBeUndefined();
    expect(await versionsOf(name)).toHaveLength(1);
    // A cancelled operation cannot be cancelled again.
    const twice = await rawRequest(region, {
      method: 'PATCH',
      path: `/certificates/${name}/pending?${API}`,
      principal: 'admin',
      body: { cancellation_requested: true },
    });
    expect(twice.status).toBe(400);
    // …and a new create may start.
    const again = await createRaw(name);
    expect(again.status).toBe(202);
    expect((again.json as { status: string }).status).toBe('inProgress');
  });

  it('survives a restart of the node: the due time is stored state, and the poller resumed against the new node completes', async () => {
    const name = 'delayed-restart';
    const poller = await certificates.beginCreateCertificate(name, policyOf(name), FAST_POLL);
    expect(poller.isDone()).toBe(false);
    const state = poller.toString();
    await restartNode();
    expect((await pendingOf(name)).status).toBe('inProgress');
    // The new node's clock starts without the shifts of the tests before (two delays): past those too.
    await shiftTime(region, { seconds: 4 * (DELAY_SECONDS + 1) });
    const resumed = await certificates.beginCreateCertificate(name, policyOf(name), {
      ...FAST_POLL,
      resumeFrom: state,
    });
    expect((await resumed.pollUntilDone()).cer?.length).toBeGreaterThan(0);
  });

  it('a renewal completed in place keeps, on its secret, the version before it (previousVersion)', async () => {
    const name = 'delayed-renewal';
    const complete = async () => {
      const poller = await certificates.beginCreateCertificate(name, policyOf(name), FAST_POLL);
      await shiftTime(region, { seconds: DELAY_SECONDS + 1 });
      return poller.pollUntilDone();
    };
    const first = await complete();
    const second = await complete();
    const secret = await secrets.getSecret(name);
    expect(secret.properties.version).toBe(second.properties.version);
    expect(secret.properties.previousVersion).toBe(first.properties.version);
    const original = await secrets.getSecret(name, { version: first.properties.version });
    expect(original.properties.previousVersion).toBeUndefined();
  });
});
