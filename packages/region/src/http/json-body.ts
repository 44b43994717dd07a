import { BadParameterError, PayloadTooLargeError } from '@vaultover/vault';
import type { Request } from 'express';

/** Largest request body accepted; well above the 25 KB secret limit so that limit gets its own clear error. */
export const MAX_BODY_BYTES = 1024 * 1024;

// A body can be read once; throttling reads a key creation's body before its handler does.
const bodies = new WeakMap<Request, Promise<unknown>>();

/**
 * Reads and parses a JSON body; an empty body is `undefined`. Never trusts Content-Length alone. Read
 * once per request: later calls get the same result (or the same error).
 */
export function readJsonBody(req: Request): Promise<unknown> {
  let body = bodies.get(req);
  if (!body) {
    body = readOnce(req);
    bodies.set(req, body);
  }
  return body;
}

async function readOnce(req: Request): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks, size).toString('utf8');
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
