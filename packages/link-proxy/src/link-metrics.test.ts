import { redisUrlThrough } from '@vaultover/foundation/redis';
import { pollUntil, redisForFile } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startControlApi } from './control-api.ts';
import { testAccess } from './test-access.ts';
import { startProxy } from './test-helpers.ts';

const redis = redisForFile('link-metrics');
const redisPort = () => Number(new URL(redis.server.url).port);

/** The samples of the links API's `GET /metrics`, `series → value`. */
async function scrape(apiUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${apiUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(vaultover_link_\S+) (\S+)$/.exec(line);
    if (match) samples.set(match[1] as string, Number(match[2]));
  }
  return samples;
}

describe("the links API's /metrics", () => {
  it('counts the bytes, connections and toxics of a proxied Redis connection', async () => {
    const proxy = await startProxy(redisPort(), { name: 'primary-to-northeurope' });
    const api = await startControlApi([proxy], { access: testAccess });
    onCleanup(api.close);
    const link = 'link="primary-to-northeurope"';
    const before = await scrape(api.url);
    expect(before.get(`vaultover_link_enabled{${link}}`)).toBe(1);
    expect(before.get(`vaultover_link_connections_total{${link}}`)).toBe(0);
    expect(before.get(`vaultover_link_bytes_total{${link},direction="upstream"}`)).toBe(0);

    const client = new Redis(redisUrlThrough(redis.server.url, proxy.routes), {
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => {});
    onCleanup(() => client.disconnect());
    const value = 'v'.repeat(10_000);
    await client.set('k', value);
    expect(await client.get('k')).toBe(value);
    const during = await scrape(api.url);
    expect(during.get(`vaultover_link_connections_total{${link}}`)).toBe(1);
    expect(during.get(`vaultover_link_active_connections{${link}}`)).toBe(1);
    // The SET's value went up, the GET's reply came down: each a little more than the value.
    const { bytes } = proxy.metrics();
    expect(during.get(`vaultover_link_bytes_total{${link},direction="upstream"}`)).toBe(
      bytes.upstream.sentBytes,
    );
    expect(during.get(`vaultover_link_bytes_total{${link},direction="downstream"}`)).toBe(
      bytes.downstream.sentBytes,
    );
    expect(bytes.upstream.sentBytes).toBeGreaterThan(value.length);
    expect(bytes.downstream.sentBytes).toBeGreaterThan(value.length);

    proxy.addToxic({ name: 'slow', type: 'latency', attributes: { latency: 10 } });
    expect((await scrape(api.url)).get(`vaultover_link_toxics{${link}}`)).toBe(1);
    await proxy.setEnabled(false);
    await pollUntil('the connection is closed', () => proxy.metrics().connectionsActive === 0);
    const disabled = await scrape(api.url);
    expect(disabled.get(`vaultover_link_enabled{${link}}`)).toBe(0);
    expect(disabled.get(`vaultover_link_active_connections{${link}}`)).toBe(0);
    expect(disabled.get(`vaultover_link_connections_total{${link}}`)).toBe(1);
  });

  it('answers 405 to anything but GET, in the API’s error shape', async () => {
    const proxy = await startProxy(redisPort());
    const api = await startControlApi([proxy], { access: testAccess });
    onCleanup(api.close);
    const response = await fetch(`${api.url}/metrics`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: 'use GET /metrics', status: 405 });
  });
});
