import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/clients.ts';
import {
  type FailoverStack,
  startFailoverStack,
  statesEntered,
  waitForState,
} from '../support/failover-stack.ts';

// Issue 13, defect 8: simultaneous `POST /api/failover` (or `/api/failback`) requests. One transition
// happens, and exactly one request is told it started it (202 with the job id and epoch); every other
// gets 409 `Conflict` naming the job already asked for (docs/control-api.md, "Manual controls").

const AT_ONCE = 8;

let stack: FailoverStack;

beforeAll(async () => {
  stack = await startFailoverStack({ failover: { autoFailback: false } });
});

afterAll(async () => {
  await stack?.close();
});

interface Reply {
  status: number;
  json: unknown;
}

/** `AT_ONCE` requests to `path`, all sent before any answer is read. */
async function together(path: string): Promise<Reply[]> {
  const replies = await Promise.all(
    Array.from({ length: AT_ONCE }, () =>
      rawRequest(stack.control, { method: 'POST', path, principal: 'admin' }),
    ),
  );
  return replies.map(({ status, json }) => ({ status, json }));
}

/** Checks one 202 and the rest 409 naming its job; answers the accepted body. */
function oneAccepted(replies: Reply[], kind: 'failover' | 'failback', verb: string) {
  const accepted = replies.filter((reply) => reply.status === 202);
  const refused = replies.filter((reply) => reply.status === 409);
  expect(accepted).toHaveLength(1);
  expect(refused).toHaveLength(AT_ONCE - 1);
  const body = accepted[0]?.json as { accepted: boolean; jobId: string; epoch: number };
  expect(body).toEqual({ accepted: true, jobId: `${kind}-${body.epoch}`, epoch: expect.any(Number) });
  for (const reply of refused) {
    const error = (reply.json as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('Conflict');
    // Either the job is asked for and not yet running, or it has already moved the state.
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot ${verb}: (${body.jobId} was already requested at epoch ${body.epoch}|the vault is )`,
      ),
    );
  }
  return body;
}

async function controlActions(action: string): Promise<number> {
  const events = await stack.events();
  return events.filter((event) => event.kind === 'control' && event.details.action === action).length;
}

describe('simultaneous manual controls', () => {
  it('accept one failover and refuse the others with 409, and one transition happens', async () => {
    const body = oneAccepted(await together('/api/failover'), 'failover', 'fail over');
    const failedOver = await waitForState(stack, 'failed-over');
    expect(failedOver.epoch).toBe(body.epoch + 2);
    expect(await controlActions('failover')).toBe(1);
  });

  it('accept one failback and refuse the others with 409, and one transition happens', async () => {
    const body = oneAccepted(await together('/api/failback'), 'failback', 'fail back');
    const normal = await waitForState(stack, 'normal');
    expect(normal.epoch).toBe(body.epoch + 2);
    expect(await controlActions('failback')).toBe(1);
    const entered = ['normal', 'failing-over', 'failed-over', 'failing-back', 'normal'];
    expect(await statesEntered(stack)).toEqual(entered);
  });
});
