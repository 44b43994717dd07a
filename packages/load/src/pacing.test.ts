import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { closedLoop, openLoop, type PacedClient } from './pacing.ts';

/** A client whose calls end when the test says so. */
function heldClient() {
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let started = 0;
  let dropped = 0;
  let most = 0;
  const client: PacedClient = {
    inFlight: () => inFlight,
    drop: () => {
      dropped += 1;
    },
    launch: () => {
      started += 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<void>((resolve) =>
        pending.push(() => {
          inFlight -= 1;
          resolve();
        }),
      );
    },
  };
  return {
    client,
    endAll: () => {
      for (const end of pending.splice(0)) end();
    },
    counts: () => ({ started, dropped, inFlight, most }),
  };
}

describe('open loop', () => {
  it('starts rate × seconds calls on the clock, the first at once, and drops what exceeds maxInFlight', async () => {
    const clock = new ManualClock();
    const stop = new AbortController();
    const held = heldClient();
    const loop = openLoop(held.client, { rate: 20, maxInFlight: 30, clock, stop: stop.signal });
    expect(held.counts().started).toBe(1);
    await clock.advance(1_000);
    expect(held.counts()).toMatchObject({ started: 21, dropped: 0 });
    // Nothing ends: past 30 in flight the due calls are dropped, not queued.
    await clock.advance(1_000);
    expect(held.counts()).toMatchObject({ started: 30, dropped: 11, inFlight: 30 });
    held.endAll();
    await clock.advance(500);
    expect(held.counts()).toMatchObject({ started: 40, dropped: 11 });
    stop.abort();
    await loop;
    await clock.advance(1_000);
    expect(held.counts().started).toBe(40);
  });
});

describe('closed loop', () => {
  it('keeps exactly `concurrency` calls in flight and starts the next as one ends', async () => {
    const stop = new AbortController();
    const held = heldClient();
    const loop = closedLoop(held.client, { concurrency: 3, stop: stop.signal });
    for (let round = 0; round < 5; round++) {
      expect(held.counts().inFlight).toBe(3);
      held.endAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(held.counts()).toMatchObject({ started: 18, most: 3 });
    stop.abort();
    held.endAll();
    await loop;
    expect(held.counts().started).toBe(18);
  });
});
