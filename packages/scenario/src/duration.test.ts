import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1m30s250ms', 90_250],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '1.5s', '10 s', 's', '2h', '30s1m', ' 10s', 'ms'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
