import { BadParameterError } from '@vaultover/vault';
import type { Request } from 'express';

/** The largest body the control API reads: a fault rule is well under a kilobyte. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the request's body as JSON, whatever its content type says (`curl -d` sends form encoding by
 * default). An empty, oversized or malformed body is a BadParameter that says which.
 */
export async function readJsonBody(req: Request): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new BadParameterError(`The body must be at most ${MAX_BODY_BYTES} bytes of JSON.`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BadParameterError('The body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadParameterError(`The body is not valid JSON: ${(error as Error).message}.`);
  }
}
