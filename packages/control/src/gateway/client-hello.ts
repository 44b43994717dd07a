import type { Socket } from 'node:net';

/** How waiting for a client's first TLS record ended. */
export type ClientHelloWait = 'ready' | 'timeout' | 'closed';

// A TLS record: type (0x16, handshake), version (2 bytes), length (2 bytes), then `length` bytes.
const RECORD_HEADER = 5;
const HANDSHAKE = 0x16;

/**
 * Waits until the client (paused, nothing read) has sent its first TLS record whole (its ClientHello),
 * then puts the bytes back unread and pauses it again: only then is the region connected, so that a
 * silent client, or one that stops inside its ClientHello, never holds a connection to a region. Bytes
 * that are not a TLS handshake record are ready at once (the region's TLS refuses them). A client that
 * has not sent the record within `timeoutMs` is dropped.
 */
export function awaitClientHello(socket: Socket, timeoutMs: number): Promise<ClientHelloWait> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (wait: ClientHelloWait) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (wait === 'ready' && bytes > 0) socket.unshift(Buffer.concat(chunks, bytes));
      if (wait === 'timeout') socket.destroy();
      resolve(wait);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      const head = chunks.length === 1 ? chunk : Buffer.concat(chunks, bytes);
      if (head[0] !== HANDSHAKE) return finish('ready');
      if (bytes >= RECORD_HEADER && bytes >= RECORD_HEADER + head.readUInt16BE(3)) finish('ready');
    };
    const onClose = () => finish('closed');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  });
}
