import { describe, expect, it } from 'vitest';
import { evaluateExpectations } from './evaluate-expectations.ts';
import { EXPECTATION_OPERATORS, expressionOf, parseExpectation } from './expectation.ts';
import { ExpectationInvalidError } from './scenario-error.ts';
import type { ClientFigures, SummaryFigures } from './summary.ts';

const APP: ClientFigures = {
  policy: 'sdk-default',
  calls: 200,
  succeeded: 198,
  failed: 2,
  attempts: 240,
  amplification: 1.2,
  p50Ms: 12,
  p99Ms: 850,
  gaveUp: 2,
  errorsByCode: { ServiceUnavailable: 2 },
  serverAttempts: 240,
  dropped: 0,
};

const FIGURES: SummaryFigures = {
  failover: { detectionSeconds: 1.5, rtoSeconds: 4, writesUnavailableSeconds: 9, rpoChanges: 3 },
  failovers: 1,
  failbacks: 1,
  acknowledgedWritesMissing: 0,
  clients: { app: APP },
};

function verdict(text: string, figures: SummaryFigures = FIGURES) {
  const [result] = evaluateExpectations([parseExpectation(text)], figures);
  return result;
}

describe('expectations', () => {
  it.each([
    // every operator, on both sides of the actual value (rto is 4 s)
    ['rto < 5s', true],
    ['rto < 4s', false],
    ['rto <= 4s', true],
    ['rto <= 3s', false],
    ['rto > 3s', true],
    ['rto > 4s', false],
    ['rto >= 4s', true],
    ['rto >= 5s', false],
    ['rto == 4s', true],
    ['rto == 5s', false],
    ['rto != 5s', true],
    ['rto != 4s', false],
  ])('%s → %s', (text, pass) => {
    expect(verdict(text)?.pass).toBe(pass);
  });

  it('covers every operator', () => {
    expect(EXPECTATION_OPERATORS).toEqual(['<', '<=', '>', '>=', '==', '!=']);
  });

  it.each([
    // durations are compared in seconds, whatever the unit written
    ['rto == 4000ms', 4, true],
    ['rto == 4s', 4, true],
    ['writes_unavailable < 1m', 9, true],
    ['detection < 1500ms', 1.5, false],
    ['clients.app.p99 < 1s', 0.85, true],
    ['clients.app.p50 == 12ms', 0.012, true],
    // ratios: a plain number or a percentage
    ['clients.app.success_rate >= 99%', 0.99, true],
    ['clients.app.success_rate >= 0.995', 0.99, false],
    // counts and factors: plain numbers
    ['rpo == 3', 3, true],
    ['failovers == 1', 1, true],
    ['failbacks != 1', 1, false],
    ['acknowledged_writes_missing == 0', 0, true],
    ['clients.app.calls == 200', 200, true],
    ['clients.app.succeeded > 197', 198, true],
    ['clients.app.failed <= 2', 2, true],
    ['clients.app.attempts == 240', 240, true],
    ['clients.app.amplification < 1.5', 1.2, true],
    ['clients.app.gave_up == 0', 2, false],
  ])('%s: actual %s, pass %s', (text, actual, pass) => {
    expect(verdict(text)).toEqual({
      name: text,
      expr: expect.any(String),
      actual,
      expected: expect.any(Number),
      pass,
    });
  });

  it.each([
    // one figure against another of the same kind (rpo is 3, nothing acknowledged is missing)
    ['acknowledged_writes_missing == rpo', 0, 3, false],
    ['acknowledged_writes_missing <= rpo', 0, 3, true],
    ['clients.app.succeeded < clients.app.calls', 198, 200, true],
    ['detection < rto', 1.5, 4, true],
    ['clients.app.p99 <= rto', 0.85, 4, true],
  ])('%s: %s against %s, pass %s', (text, actual, expected, pass) => {
    expect(verdict(text)).toEqual({ name: text, expr: text, actual, expected, pass });
  });

  it('fails a comparison of figures when either side is missing from the run', () => {
    const none: SummaryFigures = { ...FIGURES, failover: null };
    expect(verdict('detection < rto', none)).toMatchObject({ actual: null, expected: null, pass: false });
    expect(verdict('clients.app.p99 < rto', none)).toMatchObject({
      actual: 0.85,
      expected: null,
      pass: false,
    });
    expect(verdict('clients.gone.calls == clients.app.calls')).toMatchObject({ actual: null, pass: false });
  });

  it('holds a number as written, without floating-point noise', () => {
    expect(verdict('clients.app.success_rate >= 95%')?.expected).toBe(0.95);
    expect(verdict('rto < 4100ms')?.expected).toBe(4.1);
  });

  it('reports the canonical expression in base units', () => {
    expect(expressionOf(parseExpectation('rto < 8000ms'))).toBe('rto < 8s');
    expect(expressionOf(parseExpectation('writes_unavailable <= 1m'))).toBe('writes_unavailable <= 60s');
    expect(expressionOf(parseExpectation('clients.app.success_rate>=99.9%'))).toBe(
      'clients.app.success_rate >= 0.999',
    );
  });

  it('fails what the run cannot measure, and says so with a null actual', () => {
    const none: SummaryFigures = { ...FIGURES, failover: null, clients: { app: { ...APP, calls: 0 } } };
    expect(verdict('rto < 8s', none)).toMatchObject({ actual: null, pass: false });
    expect(verdict('clients.app.success_rate > 0', none)).toMatchObject({ actual: null, pass: false });
    expect(verdict('clients.gone.calls > 0', none)).toMatchObject({ actual: null, pass: false });
    // no failover, nothing lost
    expect(verdict('rpo == 0', none)).toMatchObject({ actual: 0, pass: true });
  });

  it.each([
    ['rto', 'expected `<path> <op> <number>[unit]`'],
    ['rto = 8s', 'unknown operator "="'],
    ['rto <> 8s', 'unknown operator "<>"'],
    ['rto < eight', 'unknown path "eight"'],
    ['rto < 8x', '"8x" is not a number with an optional unit (ms, s, m, %) or a figure'],
    ['rto < failovers', 'rto is a time and failovers a count: compare figures of one kind'],
    ['rpo == clients.app.success_rate', 'rpo is a count and clients.app.success_rate a ratio'],
    ['rto < 8h', '"8h" is not a number'],
    ['rto < 8', 'rto is a time'],
    ['failovers < 1s', 'failovers is a count'],
    ['clients.app.amplification < 50%', 'clients.app.amplification is a factor'],
    ['clients.app.success_rate > 1ms', 'is a ratio'],
    ['clients.app < 1', 'expected clients.<name>.<figure>'],
    ['clients.app.speed < 1', 'unknown client figure "speed"'],
    ['latency < 1s', 'unknown path "latency"'],
  ])('refuses %j', (text, reason) => {
    expect(() => parseExpectation(text)).toThrow(ExpectationInvalidError);
    expect(() => parseExpectation(text)).toThrow(reason);
  });
});
