import type { IncomingMessage } from 'node:http';
import { BadParameterError } from '@vaultover/vault';
import { proxyHeaderOf } from '../proxy-protocol/proxied-connections.ts';

/** The failover epoch the global endpoint routed a request under (docs/design.md#fencing). */
export const EPOCH_HEADER = 'x-vaultover-epoch';

/** The header's epoch, or undefined when absent; a value that is not a non-negative integer is a 400. */
export function requestEpoch(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (!/^\d{1,15}$/.test(text.trim()))
    throw new BadParameterError(`The ${EPOCH_HEADER} header must be a non-negative integer.`);
  return Number(text.trim());
}

/**
 * The epoch `req` was routed under: the one the global endpoint put in the connection's PROXY header,
 * else the `x-vaultover-epoch` header (tests and tools that stamp requests themselves), else undefined (a
 * client talking to the region directly). The connection's wins: the client, not the gateway, writes
 * the headers of a connection the gateway only relays.
 */
export function routedEpoch(req: IncomingMessage): number | undefined {
  return proxyHeaderOf(req.socket)?.epoch ?? requestEpoch(req.headers[EPOCH_HEADER]);
}
