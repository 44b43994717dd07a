import { RestError } from '@azure/core-rest-pipeline';
import type { LinkProxy } from '@vaultover/link-proxy';
import { eventually } from '@vaultover/testkit';
import { logKeys } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateClient, FAST_POLL } from '../support/certificate-clients.ts';
import { rawRequest, secretClient } from '../support/clients.ts';
import { keyClient } from '../support/key-clients.ts';
import { DEFAULT_VAULT, type TestRegion } from '../support/region.ts';
import {
  converged,
  PRIMARY,
  type RegionPair,
  replicationStatus,
  SECONDARY,
  startRegionPair,
} from '../support/region-pair.ts';

// A primary and a standby secondary region node in-process, each on its own Redis and data directory,
// the secondary replicating through a link proxy in front of the primary's Redis. Both share the master
// key (sealed values must open in either region); each keeps its own TLS CA and token signing key, so a
// client talks to each region with that region's CA and credential (as TestRegion helpers do).

let primary: TestRegion;
let secondary: TestRegion;
let proxy: LinkProxy;
let pair: RegionPair;

beforeAll(async () => {
  pair = await startRegionPair({ secondaries: [SECONDARY], trimIntervalMs: 200 });
  ({ primary, secondary, proxy } = pair);
}, 60_000);

afterAll(async () => {
  await pair?.close();
});

describe('replication between two region nodes', () => {
  it('replicates secrets, keys and certificates written with the SDKs at the primary', async () => {
    const secrets = secretClient(primary, 'admin');
    await secrets.setSecret('db-password', 's3cr3t');
    await secrets.setSecret('db-password', 'rotated');
    await secrets.setSecret('to-delete', 'x');
    await (await secrets.beginDeleteSecret('to-delete', FAST_POLL)).pollUntilDone();
    const keys = keyClient(primary, 'admin');
    await keys.createEcKey('signing', { curve: 'P-256' });
    await keys.createRsaKey('wrapping', { keySize: 2048 });
    const certificates = certificateClient(primary, 'admin');
    const poller = await certificates.beginCreateCertificate(
      'web',
      { issuerName: 'Self', subject: 'CN=web.example' },
      FAST_POLL,
    );
    await poller.pollUntilDone();

    const { secondary: s } = await converged(pair, { intervalMs: 100 });
    expect(Object.keys(s.digests)).toContain(DEFAULT_VAULT);
    expect(s.lastAppliedPosition).toBeGreaterThan(5);
  });

  it('replicates certificate issuers and contacts, and their removal, the password sealed', async () => {
    const certificates = certificateClient(primary, 'admin');
    await certificates.createIssuer('replicated', 'Test', {
      accountId: 'acct',
      password: 'pw-of-the-issuer',
    });
    await certificates.updateIssuer('replicated', { accountId: 'acct2' });
    await certificates.setContacts([{ email: 'ops@example.com', name: 'ops' }]);
    await converged(pair, { intervalMs: 100 });
    const [p, s] = [primary.redis.storeClient(), secondary.redis.storeClient()];
    const issuers = `vo:{${DEFAULT_VAULT}}:issuers`;
    const contacts = `vo:{${DEFAULT_VAULT}}:contacts`;
    const onSecondary = await s.hgetall(issuers);
    expect(JSON.parse(onSecondary.replicated ?? '{}')).toMatchObject({
      provider: 'Test',
      credentials: { account_id: 'acct2', pwd: expect.stringMatching(/^v1:/) },
    });
    expect(onSecondary).toEqual(await p.hgetall(issuers));
    expect(await s.hget(contacts, 'doc')).toBe(await p.hget(contacts, 'doc'));

    await certificates.deleteIssuer('replicated');
    await certificates.deleteContacts();
    await converged(pair, { intervalMs: 100 });
    expect(await s.hexists(issuers, 'replicated')).toBe(0);
    expect(await s.exists(contacts)).toBe(0);
  });

  it('reports the status fields with the right types, and nulls where the role has none', async () => {
    const { secondary: s } = await converged(pair, { intervalMs: 100 });
    const p = await replicationStatus(primary);
    expect(Object.keys(s).sort()).toEqual(Object.keys(p).sort());
    expect(Object.keys(s).sort()).toEqual(
      [
        'region',
        'role',
        'state',
        'lastPosition',
        'lastCommitTime',
        'lastAppliedPosition',
        'lastAppliedTime',
        'lagEntries',
        'lagSeconds',
        'link',
        'lastError',
        'digests',
      ].sort(),
    );
    expect(s).toMatchObject({ region: SECONDARY, role: 'secondary', lastError: null });
    expect(typeof s.lastPosition).toBe('number');
    expect(typeof s.lagSeconds).toBe('number');
    expect(Number.isNaN(Date.parse(s.lastCommitTime ?? ''))).toBe(false);
    expect(Number.isNaN(Date.parse(s.lastAppliedTime ?? ''))).toBe(false);
    for (const digest of Object.values(s.digests)) expect(digest).toMatch(/^[0-9a-f]{64}$/);

    expect(p).toMatchObject({
      region: PRIMARY,
      role: 'primary',
      state: 'streaming',
      lastAppliedPosition: null,
      lastAppliedTime: null,
      lagEntries: null,
      lagSeconds: null,
      link: null,
      lastError: null,
    });
    expect(typeof p.lastPosition).toBe('number');
    expect(p.lastCommitTime).toBe(s.lastCommitTime);

    // The summary in /health.
    const health = await rawRequest(secondary, { path: '/health' });
    expect(health.json).toMatchObject({
      role: 'secondary',
      mode: 'standby',
      replication: { state: 'streaming', link: 'up', lagEntries: 0, lagSeconds: expect.any(Number) },
    });
    const primaryHealth = await rawRequest(primary, { path: '/health' });
    expect(primaryHealth.json).toMatchObject({ replication: { state: 'streaming', link: null } });
  });

  it('trims the primary streams below what the secondary acknowledged', async () => {
    await converged(pair, { intervalMs: 100 });
    const redis = primary.redis.storeClient();
    // Every entry is acknowledged, so the periodic trim (every 200 ms here) empties the stream.
    await eventually(async () => expect(await redis.xlen(logKeys(DEFAULT_VAULT).stream)).toBe(0), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    // Trimming never touches state: the next write still replicates on top.
    await secretClient(primary, 'admin').setSecret('after-trim', 'v');
    await converged(pair, { intervalMs: 100 });
  });

  it('keeps the status admin-only', async () => {
    const anonymous = await rawRequest(secondary, { path: '/replication/status' });
    expect(anonymous.status).toBe(401);
    const reader = await rawRequest(secondary, { path: '/replication/status', principal: 'reader' });
    expect(reader.status).toBe(403);
  });

  it('refuses SDK reads and writes at the secondary: a standby serves replication only', async () => {
    const standbyMessage =
      `Region ${SECONDARY} is a standby secondary: it serves replication only. ` +
      'Send requests to the primary region (or the global endpoint).';
    const secrets = secretClient(secondary, 'admin');
    for (const call of [() => secrets.getSecret('db-password'), () => secrets.setSecret('new', 'value')]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RestError);
      expect(error).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable', message: standbyMessage });
    }
    // The 401 challenge still comes first (SDKs need it to get a token), then the refusal.
    const anonymous = await rawRequest(secondary, { path: '/secrets/db-password?api-version=7.5' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBeDefined();
    const management = await rawRequest(secondary, {
      path: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01',
      principal: 'admin',
    });
    expect(management.status).toBe(503);
    expect(management.json).toEqual({ error: { code: 'ServiceUnavailable', message: standbyMessage } });
    // Nothing written locally: the secondary still equals the primary.
    await converged(pair, { intervalMs: 100 });
  });

  it('exposes the replication metrics, labelled by region only', async () => {
    const response = await rawRequest(secondary, { path: '/metrics' });
    expect(response.status).toBe(200);
    for (const name of [
      'vaultover_replication_lag_seconds',
      'vaultover_replication_apply_lag_seconds',
      'vaultover_replication_lag_entries',
      'vaultover_replication_applied_total',
      'vaultover_replication_resyncs_total',
      'vaultover_replication_link_up',
    ]) {
      const samples = response.text.split('\n').filter((line) => line.startsWith(name));
      expect(samples.length, name).toBeGreaterThan(0);
      for (const sample of samples) {
        const labels = /\{([^}]*)\}/.exec(sample)?.[1] ?? '';
        const names = labels
          .split(',')
          .map((pair) => pair.split('=')[0])
          .filter((label) => label !== 'le');
        expect(names, sample).toEqual(['region']);
        expect(sample).toContain(`region="${SECONDARY}"`);
      }
    }
    expect(response.text).toContain(`vaultover_replication_link_up{region="${SECONDARY}"} 1`);
    expect(response.text).toMatch(/vaultover_replication_applied_total\{region="northeurope"\} [1-9]/);
  });

  it('reports a partitioned link down, and converges again once healed', async () => {
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    try {
      await secretClient(primary, 'admin').setSecret('during-partition', 'queued');
      await eventually(
        async () => {
          expect(await replicationStatus(secondary)).toMatchObject({ link: 'down', state: 'disconnected' });
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      const metrics = await rawRequest(secondary, { path: '/metrics' });
      expect(metrics.text).toContain(`vaultover_replication_link_up{region="${SECONDARY}"} 0`);
      expect((await replicationStatus(secondary)).lastError).toEqual(expect.any(String));
    } finally {
      proxy.removeToxic('partition');
    }
    const { secondary: s } = await converged(pair, { intervalMs: 100 });
    expect(s.lastError).toBeNull();
  }, 60_000);
});
