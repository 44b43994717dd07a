import { describe, expect, it } from 'vitest';
import { RedisUrlError } from './redis-client-error.ts';
import { clusterUrl, isClusterUrl, parseRedisUrl } from './redis-url.ts';

describe('parseRedisUrl', () => {
  it('passes a server URL on as it is', () => {
    expect(parseRedisUrl('redis://u:p@127.0.0.1:6400/3')).toEqual({
      kind: 'server',
      url: 'redis://u:p@127.0.0.1:6400/3',
    });
    expect(parseRedisUrl('rediss://10.0.0.5:6380').kind).toBe('server');
  });

  it('reads a cluster URL: its first node, the others of ?nodes, and the credentials', () => {
    expect(
      parseRedisUrl('redis-cluster://region:s%40cret@127.0.0.1:7000?nodes=127.0.0.1:7001,[::1]:7002'),
    ).toEqual({
      kind: 'cluster',
      seeds: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: 'region',
      password: 's@cret',
    });
    expect(parseRedisUrl('redis-cluster://10.0.0.5')).toEqual({
      kind: 'cluster',
      seeds: [{ host: '10.0.0.5', port: 6379 }],
      username: undefined,
      password: undefined,
    });
  });

  it('refuses what is not a Redis URL, without repeating its password', () => {
    for (const bad of [
      'not a url',
      'http://user:hunter2@127.0.0.1:7000',
      'redis-cluster://user:hunter2@127.0.0.1:7000/2',
      'redis-cluster://user:hunter2@127.0.0.1:7000?nodes=127.0.0.1',
      'redis-cluster://user:hunter2@127.0.0.1:7000?nodes=127.0.0.1:99999',
    ]) {
      const error = (() => {
        try {
          parseRedisUrl(bad);
        } catch (caught) {
          return caught;
        }
        throw new Error(`${bad} was accepted`);
      })();
      expect(error).toBeInstanceOf(RedisUrlError);
      expect((error as RedisUrlError).code).toBe('RedisUrlInvalid');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('clusterUrl', () => {
  it('writes the nodes plainly, and reads back as the same nodes with credentials added the URL way', () => {
    const url = clusterUrl([
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(url).toBe('redis-cluster://127.0.0.1:7000?nodes=127.0.0.1:7001,[::1]:7002');
    expect(isClusterUrl(url)).toBe(true);
    const withUser = new URL(url);
    withUser.username = 'region';
    withUser.password = 'pw';
    const target = parseRedisUrl(withUser.toString());
    expect(target).toMatchObject({ kind: 'cluster', username: 'region', password: 'pw' });
    expect(target.kind === 'cluster' && target.seeds.map((seed) => seed.host)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '::1',
    ]);
  });

  it('tells a cluster URL from a server URL', () => {
    expect(isClusterUrl('redis://127.0.0.1:7000')).toBe(false);
    expect(isClusterUrl('redis-cluster://127.0.0.1:7000')).toBe(true);
  });
});
