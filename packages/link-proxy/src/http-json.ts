import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, LinkProxyError, PayloadTooLargeError } from './errors.ts';

/** Largest request body the control API reads; toxic definitions are tiny. */
const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON object body; an empty body is `{}`. Throws BadRequestError, or PayloadTooLargeError. */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(`request body too large: the API reads at most ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Writes a JSON body (or an empty 204 when body is undefined). */
export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Writes an error as toxiproxy does: `{"error": "...", "status": N}`. Unknown errors are 500s. A 413 is
 * sent before the rest of the body was read, so the connection is closed rather than left with unread
 * bytes that the next request would be parsed from.
 */
export function sendError(
  response: ServerResponse,
  error: unknown,
  headers: Record<string, string> = {},
): void {
  const status = error instanceof LinkProxyError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (status === 413) response.setHeader('connection', 'close');
  sendJson(response, status, { error: message, status });
}
