import type { Socket } from 'node:net';

/** Bytes read ahead of a decision: a TLS ClientHello is well under this; more is not waited for. */
const READ_AHEAD_LIMIT = 64 * 1024;

/** A client's bytes read before the gateway knows where they go; `stop()` puts them back unread. */
export interface ReadAhead {
  stop(): void;
}

/**
 * Reads `socket` into memory, at most {@link READ_AHEAD_LIMIT} bytes (then it stops reading: TCP
 * backpressure holds the rest), so that a client closing its connection is noticed while the gateway
 * holds it. `stop()` pauses the socket and unshifts what was read, for whoever consumes it next (the
 * relay's pipe, or the local TLS server, which drains what is buffered on the socket it wraps).
 */
export function readAhead(socket: Socket): ReadAhead {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= READ_AHEAD_LIMIT) socket.pause();
  };
  socket.on('data', onData);
  // A socket accepted with `pauseOnConnect` is explicitly paused: a 'data' listener alone does not resume it.
  socket.resume();
  return {
    stop() {
      socket.off('data', onData);
      socket.pause();
      if (bytes > 0) socket.unshift(Buffer.concat(chunks, bytes));
    },
  };
}
