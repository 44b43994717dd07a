import { isIP } from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The base URL a server bound to `host` is reached at: `https://localhost:<port>` on loopback (the name
 * every certificate covers, and the `<vault>.localhost` scheme's base), `https://<host>:<port>` on any
 * other address, such as a network namespace's (docs/network-namespaces.md). IPv6 goes in brackets.
 */
export function serviceOrigin(host: string, port: number): string {
  if (LOOPBACK.has(host)) return `https://localhost:${port}`;
  return `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
