import type { IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import type { ExchangeOutcome } from '../../support/exchange.ts';

/** An answer that came back, as the fuzzers check it. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request and its outcome in one line, for the message of a failed expectation. */
export function described(method: string, path: string, outcome: ExchangeOutcome): string {
  const shownPath = path.length > 120 ? `${path.slice(0, 117)}…` : path;
  if ('error' in outcome) return `${method} ${shownPath} → connection error ${outcome.error}`;
  const text = outcome.body.toString('utf8');
  return `${method} ${shownPath} → ${outcome.status} ${text.length > 300 ? `${text.slice(0, 297)}…` : text}`;
}

/** Expects an answer, not a connection that died or stayed silent, and no server error; returns it. */
export function expectAnswered(outcome: ExchangeOutcome, what: string): Answer {
  expect('error' in outcome ? outcome.error : undefined, what).toBeUndefined();
  const answer = outcome as Answer;
  expect(answer.status, what).toBeLessThan(500);
  return answer;
}

/**
 * Expects the Key Vault error envelope: `application/json; charset=utf-8`, exactly
 * `{"error":{"code","message"[,"innererror":{"code"}]}}` with a non-empty code and message, and no stack
 * trace. A 401 also carries the bearer challenge, as the real service's does.
 */
export function expectKeyVaultError(answer: Answer, what: string): void {
  expect(answer.headers['content-type'], what).toBe('application/json; charset=utf-8');
  const text = answer.body.toString('utf8');
  let envelope: unknown;
  expect(() => {
    envelope = JSON.parse(text);
  }, what).not.toThrow();
  expect(Object.keys(envelope as object), what).toEqual(['error']);
  const { code, message, innererror, ...rest } = (envelope as { error: Record<string, unknown> }).error;
  expect({ code: typeof code, message: typeof message, rest }, what).toEqual({
    code: 'string',
    message: 'string',
    rest: {},
  });
  expect(code, what).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  expect(message, what).toMatch(/\S/);
  if (innererror !== undefined) expect(innererror, what).toEqual({ code: expect.stringMatching(/^[A-Z]/) });
  expect(text, what).not.toMatch(/at .*\.ts:\d+|node_modules/);
  if (answer.status === 401) {
    expect(code, what).toBe('Unauthorized');
    expect(answer.headers['www-authenticate'], what).toMatch(/^Bearer /);
  }
}
