import type { Socket } from 'node:net';
import type { ProxyHeader } from '@vaultover/contract';

// Keyed by the TCP socket; weak, so a closed connection's entry goes with it.
const headers = new WeakMap<Socket, ProxyHeader>();

/** Remembers what the PROXY header of the connection on `socket` (the TCP socket) said. */
export function rememberProxyHeader(socket: Socket, header: ProxyHeader): void {
  headers.set(socket, header);
}

/**
 * The PROXY header of the connection `socket` belongs to, if it began with one. A request's socket is the
 * TLS socket; the header was read on the TCP socket it wraps, `_parent` (internal to Node, as in the
 * gateway's local-replies.ts: TLSSocket has no public accessor for it).
 */
export function proxyHeaderOf(socket: Socket): ProxyHeader | undefined {
  const parent = (socket as Socket & { _parent?: Socket | null })._parent;
  return headers.get(socket) ?? (parent ? headers.get(parent) : undefined);
}
