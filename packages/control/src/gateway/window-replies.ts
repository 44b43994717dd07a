import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendGatewayError } from './error-reply.ts';
import type { RouteDecision } from './route-source.ts';

type FailDecision = Extract<RouteDecision, { kind: 'fail' }>;
type UnavailableDecision = Extract<RouteDecision, { kind: 'unavailable' }>;

/** `x-vaultover-mode` of a window whose source names no state. */
export const DEFAULT_WINDOW_MODE = 'transition';

/** 503 with `Retry-After`: the seconds left in the window, rounded up, at least 1. */
export function sendWindowError(res: ServerResponse, decision: FailDecision, now: number): void {
  const seconds = Math.max(1, Math.ceil((decision.until - now) / 1000));
  sendGatewayError(
    res,
    503,
    'ServiceUnavailable',
    `${sentence(decision.reason)}; retry after ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { mode: decision.state ?? DEFAULT_WINDOW_MODE, retryAfterSeconds: seconds },
  );
}

/** 503 without `Retry-After`: no window says when it ends. */
export function sendUnavailable(res: ServerResponse, decision: UnavailableDecision): void {
  sendGatewayError(
    res,
    503,
    'ServiceUnavailable',
    `No region can serve the vault: ${decision.reason.replace(/\.$/, '')}. Retry later.`,
    { mode: 'unavailable' },
  );
}

/**
 * Ends the client's connection with a TCP RST, as a load balancer dropping it would: the client sees
 * ECONNRESET, not a clean close. The router resets the raw TCP socket, before any TLS; one already
 * closed is merely destroyed.
 */
export function resetConnection(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // the socket is already closed: there is nothing left to reset
  }
}

// Reasons are phrases or sentences ("failing over from a to b", "The vault is failing over …").
function sentence(reason: string): string {
  const text = reason.trim().replace(/\.$/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
