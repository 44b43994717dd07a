import type { Server, Socket } from 'node:net';
import { decodeProxyHeader, isMalformedProxyHeader, proxyHeaderLength } from '@vaultover/contract';
import { rememberProxyHeader } from './proxied-connections.ts';

/**
 * Makes `server` (an https server) accept an optional PROXY v2 header before TLS: its own 'connection'
 * listeners (the TLS handshake) run once the first bytes show there is none, or once it has been read,
 * with any bytes past it put back for TLS. Direct clients, whose first byte is a TLS record's, are handed
 * on at their first read. A connection that has not shown either within `timeoutMs` (the gateway sends
 * the header before any byte) is dropped. Returns a function that drops connections still being read
 * (for close()).
 */
export function acceptProxyHeaders(server: Server, timeoutMs: number): () => void {
  const tlsListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const pending = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    pending.add(socket);
    readHeader(socket, timeoutMs, () => {
      pending.delete(socket);
      for (const listener of tlsListeners) listener.call(server, socket);
    });
  });
  return () => {
    for (const socket of pending) socket.destroy();
    pending.clear();
  };
}

function readHeader(socket: Socket, timeoutMs: number, handOn: () => void): void {
  let buffered = Buffer.alloc(0);
  /** `drop`: the connection closed, timed out or sent a malformed header; nothing goes on to TLS. */
  const finish = (drop: boolean) => {
    socket.off('readable', onReadable);
    socket.off('close', onClose);
    socket.off('error', onError);
    clearTimeout(timer);
    if (drop) return void socket.destroy();
    handOn();
  };
  const onClose = () => finish(true);
  // A reset while the header is read: 'close' follows, and TLS has its own handler after.
  const onError = () => {};
  const onReadable = () => {
    let chunk: Buffer | null;
    // biome-ignore lint/suspicious/noAssignInExpressions: the stream idiom for draining a readable.
    while ((chunk = socket.read()) !== null) buffered = Buffer.concat([buffered, chunk]);
    const length = proxyHeaderLength(buffered);
    if (length === 'more') return;
    // A malformed header: the stream cannot be trusted, whatever follows it.
    if (isMalformedProxyHeader(length)) return finish(true);
    if (length !== 'not-proxy') {
      const header = decodeProxyHeader(buffered.subarray(0, length));
      if (isMalformedProxyHeader(header)) return finish(true);
      rememberProxyHeader(socket, header);
    }
    const rest = length === 'not-proxy' ? buffered : buffered.subarray(length);
    // TLS reads what is buffered on the socket first (it wraps the socket and drains it).
    if (rest.length > 0) socket.unshift(rest);
    finish(false);
  };
  const timer = setTimeout(() => finish(true), timeoutMs);
  socket.on('error', onError);
  socket.on('close', onClose);
  socket.on('readable', onReadable);
}
