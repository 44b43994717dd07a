import { nonNegative } from '../attributes.ts';
import type { ToxicDefinition } from '../toxic.ts';

/** Settings of the `reset_peer` toxic. */
export interface ResetPeerAttributes {
  /** ms after the toxic applies to a connection before it is reset. Default 0 (at once). */
  timeout: number;
}

/** Resets the connection with a TCP RST (ECONNRESET for the client), after `timeout` ms. */
export const resetPeerToxic: ToxicDefinition<ResetPeerAttributes> = {
  type: 'reset_peer',
  parseAttributes: (input) => ({ timeout: nonNegative(input, 'timeout', 0, 'reset_peer') }),
  createStage({ timeout }, { clock, resetConnection }) {
    const timer = clock.setTimeout(resetConnection, timeout);
    return {
      // Data keeps flowing until the reset, as in toxiproxy.
      push: (chunk, next) => next(chunk),
      flush: () => timer.cancel(),
    };
  },
};
