import type { Socket } from 'node:net';
import type { Admission } from '@vaultover/foundation/http';
import { type ConnectionToxics, closeTogether } from '@vaultover/link-proxy';
import type { Logger } from 'pino';
import { awaitClientHello } from './client-hello.ts';
import type { ClientLink } from './client-link.ts';
import { type GatewayMetrics, type GatewayOutcome, NO_REGION } from './gateway-metrics.ts';
import type { HeldConnections } from './held-connections.ts';
import type { ForwardTarget, LocalReplies } from './local-replies.ts';
import { readAhead } from './read-ahead.ts';
import type { RouteDecision, RouteSource } from './route-source.ts';
import type { RoutedConnections } from './routed-connections.ts';
import { startRelay } from './tcp-relay.ts';
import { resetConnection } from './window-replies.ts';

export interface ConnectionRouterDeps {
  source: RouteSource;
  held: HeldConnections;
  routed: RoutedConnections;
  local: LocalReplies;
  link: ClientLink;
  metrics: GatewayMetrics;
  /** How long to wait for a region to accept the connection, then for its first byte. */
  timeoutMs: number;
  /** How long a client has to send its ClientHello before anything is connected for it. */
  handshakeTimeoutMs: number;
  /** The listener's connection limit, named in the refusal of connections admitted past it. */
  maxConnections: number;
  logger: Logger;
}

interface Fate {
  region: string;
  outcome: GatewayOutcome;
}

/**
 * The gateway's connection listener: one decision per client connection (one more after a hold). The
 * socket arrives paused (`pauseOnConnect`): nothing is read before the decision says who reads it.
 */
export function connectionRouter(deps: ConnectionRouterDeps) {
  return (socket: Socket, admission: Exclude<Admission, 'drop'>): void => {
    const startedAt = performance.now();
    // Resets by the client are expected; 'close' follows, and whoever owns the socket then handles it.
    socket.on('error', () => {});
    const toxics = deps.link.accept(socket);
    const fate = admission === 'refuse' ? refuse(socket, toxics, deps) : route(socket, toxics, deps);
    fate.then(
      (fate) => deps.metrics.record(fate.region, fate.outcome, startedAt),
      (error) => {
        deps.logger.error({ err: error }, 'gateway connection failed');
        socket.destroy();
      },
    );
  };
}

async function refuse(socket: Socket, toxics: ConnectionToxics, deps: ConnectionRouterDeps): Promise<Fate> {
  deps.local.answer(socket, toxics, { kind: 'refused', limit: deps.maxConnections });
  return { region: NO_REGION, outcome: 'refused' };
}

async function route(socket: Socket, toxics: ConnectionToxics, deps: ConnectionRouterDeps): Promise<Fate> {
  const decision = deps.source.decide();
  if (decision.kind !== 'fail' || decision.how !== 'hang') return act(socket, toxics, decision, deps);
  // Read ahead while held (the ClientHello, bounded) only to see the client give up; put back after.
  const ahead = readAhead(socket);
  deps.metrics.held.inc();
  let next: RouteDecision | undefined;
  try {
    next = await deps.held.hold(socket, decision.until);
  } finally {
    deps.metrics.held.dec();
    ahead.stop();
  }
  if (!next) return { region: NO_REGION, outcome: 'hang' };
  const fate = await act(socket, toxics, next, deps);
  return { region: fate.region, outcome: 'hang' };
}

async function act(
  socket: Socket,
  toxics: ConnectionToxics,
  decision: RouteDecision,
  deps: ConnectionRouterDeps,
): Promise<Fate> {
  switch (decision.kind) {
    case 'forward':
      return { region: decision.region, outcome: await relay(socket, toxics, decision, deps) };
    case 'unavailable':
      deps.local.answer(socket, toxics, { kind: 'unavailable', decision });
      return { region: NO_REGION, outcome: 'unavailable' };
    case 'fail':
      if (decision.how === 'reset') {
        resetConnection(socket);
        return { region: NO_REGION, outcome: 'reset' };
      }
      // `status`, or a hang window the source still reports after its `until` passed: never hold forever.
      deps.local.answer(socket, toxics, { kind: 'window', decision });
      return { region: NO_REGION, outcome: 'failed-window' };
  }
}

async function relay(
  socket: Socket,
  toxics: ConnectionToxics,
  target: ForwardTarget,
  deps: ConnectionRouterDeps,
): Promise<GatewayOutcome> {
  if (socket.destroyed) return 'client-aborted'; // released from a hold just as the client left
  const hello = await awaitClientHello(socket, deps.handshakeTimeoutMs);
  if (hello === 'closed') return 'client-aborted';
  if (hello === 'timeout') return 'handshake-timeout';
  const start = await startRelay(socket, toxics, target, deps.timeoutMs);
  switch (start.kind) {
    case 'relaying': {
      closeTogether(socket, start.upstream);
      socket.once('close', () => deps.metrics.relayed(target.region, socket.bytesRead, socket.bytesWritten));
      deps.routed.add(target.epoch, socket);
      return 'forwarded';
    }
    case 'failed':
      // Debug, not warn: while a region is down this is every connection (counted in the metrics).
      deps.logger.debug(
        { region: target.region, reason: start.reason },
        'region did not answer the global endpoint',
      );
      if (start.answerable)
        deps.local.answer(socket, toxics, { kind: 'upstream-error', target, reason: start.reason });
      else socket.destroy();
      return 'upstream-error';
    case 'client-aborted':
      return 'client-aborted';
  }
}
