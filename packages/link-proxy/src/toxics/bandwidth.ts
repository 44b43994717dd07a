import { nonNegative } from '../attributes.ts';
import { TimedQueue } from '../timed-queue.ts';
import type { ToxicDefinition } from '../toxic.ts';

/** Settings of the `bandwidth` toxic. */
export interface BandwidthAttributes {
  /** KB/s (1 KB = 1024 bytes). 0 means unlimited, as in toxiproxy. Default 0. */
  rate: number;
}

/** Slices per second: big chunks are cut so that throughput is smooth rather than bursty. */
const SLICES_PER_SECOND = 20;

/** Limits throughput to `rate` KB/s: each slice leaves when the previous one has "finished sending". */
export const bandwidthToxic: ToxicDefinition<BandwidthAttributes> = {
  type: 'bandwidth',
  parseAttributes: (input) => ({ rate: nonNegative(input, 'rate', 0, 'bandwidth') }),
  createStage({ rate }, { clock }) {
    const queue = new TimedQueue(clock);
    const bytesPerMs = (rate * 1024) / 1000;
    const sliceSize = Math.max(1, Math.floor((rate * 1024) / SLICES_PER_SECOND));
    return {
      push(chunk, next) {
        if (rate === 0) return next(chunk);
        // The end of the stream takes no time to send, but leaves after the bytes queued before it.
        if (chunk.length === 0)
          return queue.push(Math.max(clock.monotonicNow(), queue.lastReleaseAt), chunk, next);
        for (let offset = 0; offset < chunk.length; offset += sliceSize) {
          const slice = chunk.subarray(offset, offset + sliceSize);
          const start = Math.max(clock.monotonicNow(), queue.lastReleaseAt);
          queue.push(start + slice.length / bytesPerMs, slice, next);
        }
      },
      flush: (next) => queue.flush(next),
    };
  },
};
