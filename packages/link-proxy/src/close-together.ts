import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Ties the lifetimes of a connection's two sides. A side that closes without a clean end (a reset, an
 * error, a destroy) closes the other at once, a reset passed on as a reset. A clean end is not handled
 * here: it travels the links behind the bytes the toxics hold, and ends the other side when it arrives.
 */
export function closeTogether(a: Duplex, b: Duplex): void {
  follow(a, b);
  follow(b, a);
}

function follow(side: Duplex, other: Duplex): void {
  let reset = false;
  // Every error is followed by 'close', which is what acts; unlistened, an error would throw.
  side.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET') reset = true;
  });
  side.once('close', () => {
    if (side.readableEnded || other.destroyed) return;
    if (reset && other instanceof Socket) resetSocket(other);
    else other.destroy();
  });
}

/** Closes a socket with a TCP RST; one whose handle is already gone is merely destroyed. */
export function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
