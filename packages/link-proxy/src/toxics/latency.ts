import { nonNegative } from '../attributes.ts';
import { TimedQueue } from '../timed-queue.ts';
import type { ToxicDefinition } from '../toxic.ts';

/** Settings of the `latency` toxic (toxiproxy's names). */
export interface LatencyAttributes {
  /** Added delay per chunk, ms. Default 0. */
  latency: number;
  /** Uniform ± spread around `latency`, ms. Default 0. Order is preserved regardless. */
  jitter: number;
}

/** Delays every chunk by latency ± jitter ms, keeping byte order. */
export const latencyToxic: ToxicDefinition<LatencyAttributes> = {
  type: 'latency',
  parseAttributes: (input) => ({
    latency: nonNegative(input, 'latency', 0, 'latency'),
    jitter: nonNegative(input, 'jitter', 0, 'latency'),
  }),
  createStage({ latency, jitter }, { clock, random }) {
    const queue = new TimedQueue(clock);
    return {
      push(chunk, next) {
        const delay = Math.max(0, latency + (random() * 2 - 1) * jitter);
        queue.push(clock.monotonicNow() + delay, chunk, next);
      },
      flush: (next) => queue.flush(next),
    };
  },
};
