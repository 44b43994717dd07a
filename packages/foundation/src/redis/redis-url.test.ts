import { describe, expect, it } from 'vitest';
import { RedisUrlError } from './redis-client-error.ts';
import { clusterUrl, isClusterUrl, parseRedisUrl } from './redis-url.ts';
import { redisNodesOf, redisUrlThrough } from './redis-url-through.ts';

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

describe('redisUrlThrough', () => {
  const routes = new Map([
    ['127.0.0.1:7000', { host: '127.0.0.1', port: 41000 }],
    ['127.0.0.1:7001', { host: '127.0.0.1', port: 41001 }],
    ['[::1]:7002', { host: '::1', port: 41002 }],
  ]);

  it("gives a server URL its proxy's address, credentials and database kept", () => {
    const url = redisUrlThrough('redis://region:p%40ss@127.0.0.1:7000/3', routes);
    expect(url).toBe('redis://region:p%40ss@127.0.0.1:41000/3');
    expect(redisNodesOf('redis://127.0.0.1')).toEqual(['127.0.0.1:6379']);
  });

  it('gives a cluster URL the proxies as seeds and maps every announced node to its proxy', () => {
    const cluster = 'redis-cluster://replicator:s%3Acret@127.0.0.1:7000?nodes=127.0.0.1:7001,[::1]:7002';
    expect(redisNodesOf(cluster)).toEqual(['127.0.0.1:7000', '127.0.0.1:7001', '[::1]:7002']);
    const target = parseRedisUrl(redisUrlThrough(cluster, routes));
    expect(target).toEqual({
      kind: 'cluster',
      seeds: [
        { host: '127.0.0.1', port: 41000 },
        { host: '127.0.0.1', port: 41001 },
        { host: '::1', port: 41002 },
      ],
      username: 'replicator',
      password: 's:cret',
      natMap: {
        '127.0.0.1:7000': { host: '127.0.0.1', port: 41000 },
        '127.0.0.1:7001': { host: '127.0.0.1', port: 41001 },
        '[::1]:7002': { host: '::1', port: 41002 },
      },
    });
  });

  it('refuses a node no proxy is in front of, without repeating the password', () => {
    expect(() => redisUrlThrough('redis://u:hunter2@127.0.0.1:9999', routes)).toThrow(RedisUrlError);
    expect(() => redisUrlThrough('redis://u:hunter2@127.0.0.1:9999', routes)).not.toThrow(/hunter2/);
  });
});
