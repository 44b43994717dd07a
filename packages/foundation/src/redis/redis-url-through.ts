import { RedisUrlError } from './redis-client-error.ts';
import { authority, nodeAddress, parseRedisUrl, plainQuery, type RedisNodeAddress } from './redis-url.ts';

/**
 * Every node a Redis URL names, as `host:port`: the server of a `redis://` URL, the seeds of a
 * `redis-cluster://` one (an embedded cluster's URL names all its nodes). What a link proxy in front of
 * that Redis must forward to.
 */
export function redisNodesOf(url: string): string[] {
  const target = parseRedisUrl(url);
  if (target.kind === 'cluster') return target.seeds.map(authority);
  return [authority(serverAddress(new URL(target.url)))];
}

/**
 * The same Redis reached through proxies: `routes` maps each node's `host:port` (as redisNodesOf names
 * it) to where a proxy in front of it listens. A server URL gets its proxy's address. A cluster URL gets
 * the proxies as its seeds and a `nat` entry per route: a cluster tells its clients the addresses its
 * nodes announce, and without the map a client would connect to them directly, round the proxies. The
 * credentials and options stay. A node without a route is refused (RedisUrlInvalid).
 */
export function redisUrlThrough(url: string, routes: ReadonlyMap<string, RedisNodeAddress>): string {
  const target = parseRedisUrl(url);
  const through = (node: RedisNodeAddress) => {
    const route = routes.get(authority(node));
    if (!route) throw new RedisUrlError(`no proxy in front of the Redis node ${authority(node)}`);
    return route;
  };
  const rewritten = new URL(url);
  if (target.kind === 'server') {
    rewritten.host = authority(through(serverAddress(rewritten)));
    return rewritten.toString();
  }
  const [first, ...rest] = target.seeds.map(through);
  if (!first) throw new RedisUrlError('a cluster URL needs at least one node');
  rewritten.host = authority(first);
  if (rest.length > 0) rewritten.searchParams.set('nodes', rest.map(authority).join(','));
  const nat = [...routes].map(([announced, reached]) => `${announced}=${authority(reached)}`);
  rewritten.searchParams.set('nat', nat.join(','));
  return plainQuery(rewritten);
}

function serverAddress(url: URL): RedisNodeAddress {
  return nodeAddress(url.hostname, url.port);
}
