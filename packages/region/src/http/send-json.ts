import type { ServerResponse } from 'node:http';

/** Writes a JSON reply directly (no body for `undefined`): express's res.json costs a noticeable share of a fast GET. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    })
    .end(json);
}
