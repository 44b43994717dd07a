import { RedisUrlError } from './redis-client-error.ts';

/** The scheme of a Redis Cluster URL (docs/architecture.md, "Redis Cluster"). */
export const CLUSTER_SCHEME = 'redis-cluster:';

/** One node of a cluster, as a client first reaches it. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** What a Redis URL names: one server (the URL as ioredis reads it), or a cluster by its seed nodes. */
export type RedisTarget =
  | { readonly kind: 'server'; readonly url: string }
  | {
      readonly kind: 'cluster';
      /** The nodes a client asks for the cluster's layout first; it learns the others from them. */
      readonly seeds: readonly RedisNodeAddress[];
      readonly username: string | undefined;
      readonly password: string | undefined;
      /**
       * Where to reach the nodes the cluster announces, when not at their own addresses (`nat`: the
       * cluster behind link proxies, redis-url-through.ts), as `host:port` of the announced address.
       */
      readonly natMap?: Readonly<Record<string, RedisNodeAddress>>;
    };

const DEFAULT_PORT = 6379;

/**
 * Reads a Redis URL. `redis://` and `rediss://` name one server; `redis-cluster://` names a cluster:
 *
 *     redis-cluster://[user:password@]host:port[?nodes=host:port,host:port…][&nat=host:port=host:port,…]
 *
 * The authority is the first seed node and `nodes` lists more (any node of the cluster will do; more
 * than one lets a client start while one of them is down); the credentials are the same on every node.
 * `nat` maps the address a node announces to the address it is reached at (a link proxy in front of
 * it): a cluster tells its clients its nodes' own addresses, which would go round the proxies.
 * The form stays a WHATWG URL, so whatever sets a URL's user, password or address (the ACL users, the
 * redacted endpoints) works on it unchanged. Errors never repeat the URL: it may hold a password.
 */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(
      'a Redis URL is not a URL (expected redis://host:port or redis-cluster://host:port)',
    );
  }
  if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return { kind: 'server', url };
  if (parsed.protocol !== CLUSTER_SCHEME) {
    throw new RedisUrlError(
      `a Redis URL has the scheme ${parsed.protocol.slice(0, 20)}; expected redis:, rediss: or redis-cluster:`,
    );
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    throw new RedisUrlError('a redis-cluster:// URL has no database: a cluster has only database 0');
  }
  const list = (name: string) =>
    (parsed.searchParams.get(name) ?? '').split(',').filter((item) => item !== '');
  const nat = list('nat').map((pair) => {
    const [announced = '', reached = ''] = pair.split('=');
    const node = parseNode(announced);
    return [authority(node), parseNode(reached)] as const;
  });
  return {
    kind: 'cluster',
    seeds: [nodeAddress(parsed.hostname, parsed.port), ...list('nodes').map(parseNode)],
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    ...(nat.length > 0 ? { natMap: Object.fromEntries(nat) } : {}),
  };
}

/** Whether `url` names a Redis Cluster. */
export function isClusterUrl(url: string): boolean {
  return url.startsWith(`${CLUSTER_SCHEME}//`);
}

/** The cluster URL of `seeds` (at least one), with no credentials: add them with the URL's username and password. */
export function clusterUrl(seeds: readonly RedisNodeAddress[]): string {
  const [first, ...rest] = seeds;
  if (!first) throw new RedisUrlError('a cluster URL needs at least one node');
  const url = new URL(`${CLUSTER_SCHEME}//${authority(first)}`);
  if (rest.length > 0) url.searchParams.set('nodes', rest.map(authority).join(','));
  return plainQuery(url);
}

/**
 * `url` as a string whose query keeps its separators plain: URLSearchParams encodes them, a reader of the
 * URL decodes them again, a human reads them plain. Only the query: a password keeps its encoding.
 */
export function plainQuery(url: URL): string {
  const query = url.search
    .replaceAll('%3D', '=')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%5B', '[')
    .replaceAll('%5D', ']');
  const rest = new URL(url);
  rest.search = '';
  return `${rest.toString()}${query}`;
}

/** The `redis://` URL of one node of a cluster, with the cluster's credentials: to ask that node about itself. */
export function nodeUrl(
  node: RedisNodeAddress,
  credentials: { username?: string | undefined; password?: string | undefined } = {},
): string {
  const url = new URL(`redis://${authority(node)}`);
  url.username = credentials.username ?? '';
  url.password = credentials.password ?? '';
  return url.toString();
}

function parseNode(node: string): RedisNodeAddress {
  const colon = node.lastIndexOf(':');
  if (colon <= 0) throw new RedisUrlError(`a cluster node "${node.slice(0, 60)}" is not host:port`);
  return nodeAddress(node.slice(0, colon), node.slice(colon + 1));
}

/** A node's address from a URL's host (an IPv6 one bracketed) and port (empty: Redis's default). */
export function nodeAddress(host: string, port: string): RedisNodeAddress {
  const number = port === '' ? DEFAULT_PORT : Number(port);
  if (host === '' || !Number.isInteger(number) || number < 1 || number > 65_535) {
    throw new RedisUrlError(`a cluster node "${host.slice(0, 60)}:${port.slice(0, 10)}" is not host:port`);
  }
  // An IPv6 address is bracketed in a URL, and bare for a socket.
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: number };
}

/** `host:port`, an IPv6 host in brackets. */
export function authority({ host, port }: RedisNodeAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
