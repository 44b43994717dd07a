import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FailoverStack,
  PRIMARY,
  SECONDARY,
  startFailoverStack,
  statesEntered,
  waitForState,
  waitUntilReplicated,
} from '../support/failover-stack.ts';

// Issue 13, defect 1: a failback whose primary dies during the failback window must not end in
// `normal` serving a dead primary (which forced a second failover and 503s for seconds). At the end of
// the window the orchestrator asks the monitor; a primary it judges unhealthy aborts the failback and
// the secondary serves on, read-only.

let stack: FailoverStack;

beforeAll(async () => {
  // A failback window long enough for the monitor (2 failed probes, 200 ms apart) to see the crash
  // whatever the time the primary's node takes to close.
  stack = await startFailoverStack({ failover: { failbackWindowMs: 3000 } });
});

afterAll(async () => {
  await stack?.close();
});

describe('a failback onto a primary that dies in the failback window', () => {
  it('aborts back to failed-over with the reason, and the secondary keeps serving reads', async () => {
    const client = stack.gatewayClient();
    await client.setSecret('kept', 'through the failback');
    await waitUntilReplicated(stack);

    expect((await stack.controlPost('failover')).status).toBe(202);
    await waitForState(stack, 'failed-over');
    const failback = await stack.controlPost('failback');
    expect(failback.status).toBe(202);
    const failingBack = await waitForState(stack, 'failing-back');
    await stack.stopPrimary();

    const failedOver = await waitForState(stack, 'failed-over', 15_000);
    expect(failedOver.epoch).toBe(failingBack.epoch + 1);
    expect(failedOver.serving).toBe(SECONDARY);
    expect(failedOver.regions[PRIMARY]?.healthy).toBe(false);

    const entered = ['normal', 'failing-over', 'failed-over', 'failing-back', 'failed-over'];
    expect(await statesEntered(stack)).toEqual(entered);
    const transitions = (await stack.events()).filter((event) => event.kind === 'transition');
    expect(transitions.at(-1)?.details).toMatchObject({
      from: 'failing-back',
      to: 'failed-over',
      epoch: failedOver.epoch,
      aborted: expect.stringMatching(
        /^westeurope (is unhealthy|failed its latest health check) \(.+\): the secondary serves on$/,
      ),
    });

    // Read-only on the secondary, through the global endpoint, as before the failback was tried.
    const secret = await client.getSecret('kept');
    expect(secret.value).toBe('through the failback');
    expect((await stack.status()).state).toBe('failed-over');
  });
});
