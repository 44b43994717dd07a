// A crypto worker thread: holds opened private keys (asking the main thread for a key's DER the
// first time) and runs operations on them, so that RSA arithmetic never blocks the region's event loop.
import { parentPort } from 'node:worker_threads';
import type { WorkReply, WorkRequest } from './crypto-worker-protocol.ts';
import { serializeError } from './crypto-worker-protocol.ts';
import { performCrypto } from './key-operation.ts';
import { OpenKeyCache } from './open-key-cache.ts';

const cache = new OpenKeyCache();
const port = parentPort;
if (!port) throw new Error('crypto-worker.ts runs as a worker thread');

port.on('message', (message: WorkRequest) => {
  const reply = (answer: WorkReply) => port.postMessage(answer);
  try {
    const { der } = message;
    const key = der
      ? cache.get(message.keyId, message.sealed, () => Buffer.from(der), message.curve)
      : cache.peek(message.keyId, message.sealed);
    der?.fill(0);
    if (!key) return reply({ id: message.id, needKey: true });
    const result = performCrypto(key, message.request);
    reply(
      typeof result === 'boolean' ? { id: message.id, valid: result } : { id: message.id, value: result },
    );
  } catch (error) {
    reply({ id: message.id, error: serializeError(error) });
  }
});
