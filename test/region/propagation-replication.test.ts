import type { CertificateClient } from '@azure/keyvault-certificates';
import type { SecretClient } from '@azure/keyvault-secrets';
import { vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { API, rawRequest, secretClient, shiftTime } from '../support/clients.ts';
import { DEFAULT_VAULT } from '../support/region.ts';
import { converged, type RegionPair, SECONDARY, startRegionPair } from '../support/region-pair.ts';

// A delete's or recover's propagation window is stored state (the object's `settles` field), so it
// reaches the secondary with the change and the secondary honours it on its own clock after a failover;
// so is a delayed certificate creation (its operation's due time), and its completion replicates; so is
// a purge's window (the `purgeSettles` field its hash keeps), and the mark's removal after it.

const DELAY_SECONDS = 60;

let pair: RegionPair;
let primary: SecretClient;
let primaryCertificates: CertificateClient;

beforeAll(async () => {
  pair = await startRegionPair(
    { secondaries: [SECONDARY] },
    {
      node: { delays: { deleteRecoverMs: DELAY_SECONDS * 1000, certificateCreateMs: DELAY_SECONDS * 1000 } },
    },
  );
  primary = secretClient(pair.primary, 'admin');
  primaryCertificates = certificateClient(pair.primary, 'admin');
}, 60_000);

afterAll(async () => {
  await pair?.close();
});

/** A field of an object's hash in a region's store. */
function fieldIn(region: RegionPair['primary'], object: string, field: string): Promise<string | null> {
  return region.redis.storeClient().hget(`${vaultPrefix(DEFAULT_VAULT)}o:${object}`, field);
}

/** The object's `settles` field in a region's store. */
function settlesIn(region: RegionPair['primary'], name: string): Promise<string | null> {
  return fieldIn(region, `secret:${name}`, 'settles');
}

describe('propagation windows replicate', () => {
  it('a delete and a recover in their window: the secondary holds the same moment and hides the object until then', async () => {
    const name = 'replicated-window';
    await primary.setSecret(name, 'value');
    const deleting = await primary.beginDeleteSecret(name, FAST_POLL);
    expect(deleting.isDone()).toBe(false);
    await converged(pair);
    const deleteSettles = await settlesIn(pair.primary, name);
    expect(Number(deleteSettles)).toBeGreaterThan(Date.now());
    expect(await settlesIn(pair.secondary, name)).toBe(deleteSettles);

    await shiftTime(pair.primary, { seconds: DELAY_SECONDS + 1 });
    await deleting.pollUntilDone();
    const recovering = await primary.beginRecoverDeletedSecret(name, FAST_POLL);
    expect(recovering.isDone()).toBe(false);
    await converged(pair);
    const recoverSettles = await settlesIn(pair.primary, name);
    expect(Number(recoverSettles)).toBeGreaterThan(Number(deleteSettles));
    expect(await settlesIn(pair.secondary, name)).toBe(recoverSettles);

    // Failed over (read-only, which serves SecretGet): the secondary hides the recovered secret until
    // its own clock passes the moment, then serves it. The primary's clock ran a window ahead.
    pair.secondary.node.mode.set({ mode: 'read-only', epoch: 1 });
    const path = `/secrets/${name}?${API}`;
    expect((await rawRequest(pair.secondary, { path, principal: 'admin' })).status).toBe(404);
    await shiftTime(pair.secondary, { seconds: 2 * DELAY_SECONDS + 5 });
    const after = await rawRequest(pair.secondary, { path, principal: 'admin' });
    expect(after.status).toBe(200);
    expect((after.json as { value: string }).value).toBe('value');
  });

  it('a delayed certificate creation: its due time and then its completion reach the secondary', async () => {
    const name = 'replicated-creation';
    const poller = await primaryCertificates.beginCreateCertificate(
      name,
      { issuerName: 'Self', subject: `CN=${name}` },
      FAST_POLL,
    );
    expect(poller.isDone()).toBe(false);
    await converged(pair);
    const operation = await fieldIn(pair.primary, `certificate:${name}`, 'a:pending');
    expect(JSON.parse(operation ?? '{}')).toMatchObject({ status: 'inProgress', delayed: { enabled: true } });
    expect(await fieldIn(pair.secondary, `certificate:${name}`, 'a:pending')).toBe(operation);

    await shiftTime(pair.primary, { seconds: DELAY_SECONDS + 1 });
    const certificate = await poller.pollUntilDone();
    await converged(pair);
    const completed = JSON.parse((await fieldIn(pair.secondary, `certificate:${name}`, 'a:pending')) ?? '{}');
    expect(completed.status).toBe('completed');
    expect(completed).not.toHaveProperty('delayed');
    const version = await fieldIn(
      pair.secondary,
      `certificate:${name}`,
      `v:${certificate.properties.version}`,
    );
    expect(JSON.parse(version ?? '{}').cer).toBe(Buffer.from(certificate.cer ?? []).toString('base64'));
  });

  it('a purge in its window: the secondary holds the mark, and refuses the name until its own clock passes it', async () => {
    const name = 'replicated-purge';
    await primary.setSecret(name, 'before');
    const deleting = await primary.beginDeleteSecret(name, FAST_POLL);
    await shiftTime(pair.primary, { seconds: DELAY_SECONDS + 1 });
    await deleting.pollUntilDone();
    await primary.purgeDeletedSecret(name);
    await converged(pair);
    const mark = await fieldIn(pair.primary, `secret:${name}`, 'purgeSettles');
    expect(Number(mark)).toBeGreaterThan(Date.now());
    expect(await fieldIn(pair.secondary, `secret:${name}`, 'purgeSettles')).toBe(mark);

    // Failed over and writable: the secondary refuses the name on its own clock, then frees it.
    pair.secondary.node.mode.set({ mode: 'read-write', epoch: 2 });
    const path = `/secrets/${name}?${API}`;
    const body = { value: 'after' };
    const during = await rawRequest(pair.secondary, { method: 'PUT', path, principal: 'admin', body });
    expect(during.status).toBe(409);
    expect((during.json as { error: { message: string } }).error.message).toBe(
      `Secret ${name} is currently being deleted and cannot be re-created; retry later.`,
    );
    await shiftTime(pair.secondary, { seconds: 3 * DELAY_SECONDS });
    const after = await rawRequest(pair.secondary, { method: 'PUT', path, principal: 'admin', body });
    expect(after.status).toBe(200);
    // The set removed the past mark in the same store it wrote.
    expect(await fieldIn(pair.secondary, `secret:${name}`, 'purgeSettles')).toBeNull();
  });
});
