import { BadParameterError, PayloadTooLargeError } from '@vaultover/vault';
import type { Request } from 'express';

/** The largest body the control API reads: a fault rule is well under a kilobyte. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the request's body as JSON, whatever its content type says (`curl -d` sends form encoding by
 * default). An oversized body is a 413 (the rest of it read and dropped, so that the connection stays
 * usable); an empty or malformed one a BadParameter that says which.
 */
export async function readJsonBody(req: Request): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Unread, the body is discarded by Node once the answer is sent.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  // Not destroyed on an early exit: that would reset the connection under the answer.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    // The rest is read and dropped, so that the next request on the connection is read too. Only now:
    // while the iterator listened, resume() could leave the body paused for good, and the connection
    // with it (a chunked body, as Node's client sends one after Expect: 100-continue).
    req.resume();
    throw tooLarge();
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BadParameterError('The body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadParameterError(`The body is not valid JSON: ${(error as Error).message}.`);
  }
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`The body must be at most ${MAX_BODY_BYTES} bytes of JSON.`);
}
