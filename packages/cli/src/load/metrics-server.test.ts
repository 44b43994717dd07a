import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from './metrics-server.ts';

/** The `error.code` of a JSON error reply. */
async function codeOf(reply: Response): Promise<string> {
  return ((await reply.json()) as { error: { code: string } }).error.code;
}

describe('the load metrics server', () => {
  it('serves GET /metrics on 127.0.0.1 with the source’s content type, and refuses the rest in JSON', async () => {
    const server = await startMetricsServer({
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      metrics: async () => 'vaultover_client_in_flight{client="app"} 2\n',
    });
    onCleanup(server.close);
    expect(server.url).toBe(`http://${server.address}/metrics`);
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const reply = await fetch(server.url);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await reply.text()).toBe('vaultover_client_in_flight{client="app"} 2\n');

    const elsewhere = await fetch(`http://${server.address}/`);
    expect(elsewhere.status).toBe(404);
    expect(await codeOf(elsewhere)).toBe('NotFound');
    const posted = await fetch(server.url, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(await posted.json()).toEqual({ error: { code: 'MethodNotAllowed', message: 'use GET /metrics' } });
  });

  it('answers 500 in JSON when the metrics cannot be collected', async () => {
    const server = await startMetricsServer({
      contentType: 'text/plain',
      metrics: async () => {
        throw new Error('collect failed');
      },
    });
    onCleanup(server.close);
    const reply = await fetch(server.url);
    expect(reply.status).toBe(500);
    expect(await codeOf(reply)).toBe('InternalError');
  });
});
