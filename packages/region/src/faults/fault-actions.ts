import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FAULT_HEADER, THROTTLED_BODY } from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import { sendJson } from '../http/send-json.ts';

// What each action of a fault rule does to the request it hits (docs/chaos.md). The injector decides which
// action, if any; these carry it out. `ids` is the value of FAULT_HEADER: the rules that acted on the request.

/** `error`: the Key Vault error body with the rule's status; Retry-After only when the rule gives one. */
export function sendFaultError(
  res: ServerResponse,
  ids: string,
  action: { status: number; code: string; message: string; retryAfter?: number },
): void {
  answer(
    res,
    ids,
    action.status,
    { error: { code: action.code, message: action.message } },
    action.retryAfter,
  );
}

/** `throttle`: the real service's 429, word for word; like the service, no Retry-After unless the rule gives one. */
export function sendThrottled(res: ServerResponse, ids: string, retryAfter: number | undefined): void {
  answer(res, ids, 429, THROTTLED_BODY, retryAfter);
}

function answer(
  res: ServerResponse,
  ids: string,
  status: number,
  body: unknown,
  retryAfter: number | undefined,
): void {
  res.setHeader(FAULT_HEADER, ids);
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  sendJson(res, status, body);
}

/**
 * `reset`: a TCP RST and no response, as a load balancer dropping the connection would: the client sees
 * ECONNRESET. The request's socket is the TLS socket; the reset goes to the TCP socket under it, as the
 * global endpoint does (packages/control/src/gateway/window-replies.ts).
 */
export function resetConnection(req: IncomingMessage): void {
  const tcp = tcpSocket(req.socket);
  try {
    tcp.resetAndDestroy();
  } catch {
    tcp.destroy(); // already closed: there is nothing left to reset
  }
  req.socket.destroy();
}

/**
 * `hang`: no response until the client closes the connection, or `maxMs` passes on `clock` (then the
 * connection is closed, without a response). Resolves when either happened.
 */
export async function hang(res: ServerResponse, clock: Clock, maxMs: number | undefined): Promise<void> {
  const socket = res.req.socket;
  if (socket.destroyed) return;
  const clientGone = new AbortController();
  const onClose = () => clientGone.abort();
  res.once('close', onClose);
  try {
    if (maxMs === undefined) await new Promise<void>((resolve) => res.once('close', () => resolve()));
    else await clock.sleep(maxMs, clientGone.signal);
  } finally {
    res.off('close', onClose);
  }
  if (!clientGone.signal.aborted) socket.destroy();
}

/**
 * `drop-body`: the response goes on as it would (the request is served, a write is applied), but only
 * its status line, its headers (with the Content-Length of the whole body) and the first half of its
 * body are sent before the connection is closed. Sets the response up; the handler then writes it. An
 * empty body has no middle to cut: the connection is closed before anything is sent.
 */
export function dropBody(res: ServerResponse, ids: string): void {
  res.setHeader(FAULT_HEADER, ids);
  const socket = res.req.socket;
  // Every reply of the region ends with one end(body) (sendJson, express's res.send): cut it there.
  res.end = ((chunk?: unknown, encoding?: unknown) => {
    const body = toBuffer(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    if (body.length === 0) {
      socket.destroy();
      return res;
    }
    if (!res.headersSent) res.setHeader('content-length', body.length);
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => socket.destroy());
    return res;
  }) as ServerResponse['end'];
}

function toBuffer(chunk: unknown, encoding: BufferEncoding): Buffer {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return Buffer.alloc(0);
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding);
  return Buffer.from(chunk as Uint8Array);
}

/** The TCP socket under a TLS socket (`_parent`, internal to Node: TLSSocket has no public accessor). */
function tcpSocket(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket | null })._parent ?? socket;
}
