import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ForwarderOptions, forward } from './forwarder.ts';
import { type GatewayMetrics, type GatewayOutcome, NO_REGION } from './gateway-metrics.ts';
import type { HeldRequests } from './held-requests.ts';
import type { RouteDecision, RouteSource } from './route-source.ts';
import { resetConnection, sendUnavailable, sendWindowError } from './window-replies.ts';

export interface RequestHandlerDeps {
  source: RouteSource;
  held: HeldRequests;
  metrics: GatewayMetrics;
  forwarding: ForwarderOptions;
}

interface Fate {
  region: string;
  outcome: GatewayOutcome;
}

/** The gateway's request listener: one decision per request (one more after a hold), no path of its own. */
export function requestHandler(deps: RequestHandlerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const startedAt = performance.now();
    handle(req, res, deps).then(
      (fate) => deps.metrics.record(fate.region, fate.outcome, startedAt),
      (error) => {
        deps.forwarding.logger.error({ err: error }, 'gateway request failed');
        res.destroy();
      },
    );
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: RequestHandlerDeps): Promise<Fate> {
  const decision = deps.source.decide();
  if (decision.kind !== 'fail' || decision.how !== 'hang') return respond(req, res, decision, deps);
  // Nothing reads the body while held, so TCP backpressure holds the client's upload.
  req.pause();
  deps.metrics.held.inc();
  let next: RouteDecision | undefined;
  try {
    next = await deps.held.hold(res, decision.until);
  } finally {
    deps.metrics.held.dec();
  }
  if (!next) return { region: NO_REGION, outcome: 'hang' };
  const fate = await respond(req, res, next, deps);
  return { region: fate.region, outcome: 'hang' };
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  decision: RouteDecision,
  deps: RequestHandlerDeps,
): Promise<Fate> {
  switch (decision.kind) {
    case 'forward':
      return { region: decision.region, outcome: await forward(req, res, decision, deps.forwarding) };
    case 'unavailable':
      sendUnavailable(res, decision);
      return { region: NO_REGION, outcome: 'unavailable' };
    case 'fail':
      if (decision.how === 'reset') {
        resetConnection(req.socket);
        return { region: NO_REGION, outcome: 'reset' };
      }
      // `status`, or a hang window the source still reports after its `until` passed: never hold forever.
      sendWindowError(res, decision, deps.source.now());
      return { region: NO_REGION, outcome: 'failed-window' };
  }
}
