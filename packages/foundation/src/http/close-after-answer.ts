import type { Socket } from 'node:net';

/**
 * Closes a connection after an answer that ends it, without a reset: ends the sending side (the answer
 * goes out, then FIN) and goes on reading and discarding what the client still sends (the rest of a body
 * or of an oversized header) until it closes its side, or `lingerMs` passes. Destroying at once would make
 * the kernel answer the client's next bytes with a RST, which can discard the answer before the client
 * has read it: the client would see ECONNRESET instead of the error it was sent.
 */
export function closeAfterAnswer(socket: Socket, lingerMs: number): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end();
  // What arrives is read and dropped (a listener of the HTTP server's may read it too: it answers nothing more).
  socket.on('data', () => {});
  socket.resume();
}
