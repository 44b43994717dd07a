import { nonNegative } from '../attributes.ts';
import type { ToxicDefinition } from '../toxic.ts';

/** Settings of the `timeout` toxic. */
export interface TimeoutAttributes {
  /** ms after which the connection is closed; 0 holds it open forever. Default 0. */
  timeout: number;
}

/** toxiproxy's `timeout`: swallows all data; after `timeout` ms (if > 0) resets the connection. */
export const timeoutToxic: ToxicDefinition<TimeoutAttributes> = {
  type: 'timeout',
  parseAttributes: (input) => ({ timeout: nonNegative(input, 'timeout', 0, 'timeout') }),
  createStage({ timeout }, { clock, resetConnection }) {
    const timer = timeout > 0 ? clock.setTimeout(resetConnection, timeout) : null;
    return {
      push() {},
      flush() {
        timer?.cancel();
      },
    };
  },
};
