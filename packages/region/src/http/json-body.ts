import type { IncomingMessage } from 'node:http';
import { BadParameterError, PayloadTooLargeError } from '@vaultover/vault';
import { requireJsonMediaType } from './json-media-type.ts';

/** Largest request body accepted; well above the 25 KB secret limit so that limit gets its own clear error. */
export const MAX_BODY_BYTES = 1024 * 1024;

// A body can be read once; throttling reads a key creation's body before its handler does.
const bodies = new WeakMap<IncomingMessage, Promise<unknown>>();

// Fatal: a byte sequence that is not UTF-8 is refused, never read as U+FFFD (a secret would change).
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON body; an empty body is `undefined`. Refuses a body that is not
 * `application/json` in UTF-8, uncompressed (415, before reading it), one over {@link MAX_BODY_BYTES}
 * (413) and one that is not valid UTF-8 or JSON (400). Never trusts Content-Length alone. Read once per
 * request: later calls get the same result (or the same error).
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let body = bodies.get(req);
  if (!body) {
    body = readOnce(req);
    bodies.set(req, body);
  }
  return body;
}

async function readOnce(req: IncomingMessage): Promise<unknown> {
  requireJsonMediaType(req.headers);
  const declared = Number(req.headers['content-length'] ?? 0);
  // Unread, the body is discarded by Node once the answer is sent: the connection stays usable.
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed on a early exit: destroying the request would reset the connection under the answer.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    // The rest is read and dropped, so that the answer comes on a connection the client can reuse. Only
    // now: while the iterator listened, resume() could leave the body paused for good, and the
    // connection with it (a chunked body, as Node's client sends one after Expect: 100-continue).
    req.resume();
    throw tooLarge();
  }
  if (size === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks, size));
  } catch {
    throw new BadParameterError('The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadParameterError(
      `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    );
  }
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}
