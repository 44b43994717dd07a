import { RETRY_DEFAULTS } from '@vaultover/load';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli/cli-error.ts';
import { DEFAULT_CLIENT, parseClientFlag } from './client-flag.ts';
import { parseDuration } from './duration-flag.ts';

describe('--client', () => {
  it('reads every part of a spec', () => {
    expect(
      parseClientFlag(
        'app:secrets:get=8,set=2:rate=50:max-in-flight=20:retry=fixed,retries=2,delay=1s:timeout=1m30s:vault=v2:principal=reader',
      ),
    ).toEqual({
      name: 'app',
      target: { kind: 'secrets' },
      operations: { get: 8, set: 2 },
      pacing: { rate: 50, maxInFlight: 20 },
      retry: { policy: 'fixed', retries: 2, delayMs: 1000 },
      timeoutMs: 90_000,
      vault: 'v2',
      principal: 'reader',
    });
    expect(parseClientFlag('mine:module=./my-client.mjs:concurrency=4')).toEqual({
      name: 'mine',
      target: { module: './my-client.mjs' },
      operations: { call: 1 },
      pacing: { concurrency: 4 },
      retry: { policy: 'sdk-default' },
    });
    expect(parseClientFlag(DEFAULT_CLIENT)).toMatchObject({
      pacing: { rate: 20 },
      operations: { get: 8, set: 2 },
    });
  });

  it('fills a policy from the same defaults as scenario files', () => {
    expect(parseClientFlag('a:keys:retry=exponential').retry).toEqual({
      policy: 'exponential',
      ...RETRY_DEFAULTS.exponential,
    });
    expect(parseClientFlag('a:keys:retry=cockatiel,breaker=5/10s').retry).toEqual({
      policy: 'cockatiel',
      ...RETRY_DEFAULTS.cockatiel,
      breaker: { failures: 5, halfOpenAfterMs: 10_000 },
    });
    expect(parseClientFlag('a:keys:retry=fixed').retry).toEqual({ policy: 'fixed', ...RETRY_DEFAULTS.fixed });
    expect(parseClientFlag('a:keys').pacing).toEqual({ rate: 10 });
  });

  it.each([
    ['App:secrets', 'start with a client name'],
    ['app', 'name a kind'],
    ['app:vaults', 'unknown kind vaults'],
    ['app:secrets:get=x', 'the weight of get must be a number ≥ 0'],
    ['app:secrets:get=1:put=1', 'neither a setting'],
    ['app:secrets:rate=5:concurrency=2', 'give rate or concurrency, once'],
    ['app:secrets:concurrency=1.5', 'concurrency is a whole number'],
    ['app:secrets:concurrency=2:max-in-flight=4', 'max-in-flight goes with rate'],
    ['app:secrets:rate=0', 'rate must be a number > 0'],
    ['app:secrets:retry=forever', 'unknown retry policy "forever"'],
    ['app:secrets:retry=none,retries=2', 'retry none takes no settings, not retries'],
    ['app:secrets:retry=fixed,retries=-1', 'retry retries is a whole number ≥ 0'],
    ['app:secrets:retry=cockatiel,breaker=5', 'breaker is FAILURES/HALF-OPEN-AFTER'],
    ['mine:module=./m.mjs:retry=fixed', 'a client module does its own retries: retry=fixed'],
    ['app:secrets:timeout=30', 'timeout: expected a duration such as 500ms, 10s, 2m or 1m30s, not "30"'],
  ])('refuses %j, saying %j', (spec, message) => {
    expect(() => parseClientFlag(spec)).toThrow(CliError);
    expect(() => parseClientFlag(spec)).toThrow(message);
  });
});

describe('duration flags', () => {
  it("take the scenario files' grammar", () => {
    expect(parseDuration('500ms', '--duration')).toBe(500);
    expect(parseDuration('2m', '--duration')).toBe(120_000);
    expect(parseDuration(' 1m30s ', '--duration')).toBe(90_000);
    for (const text of ['1.5s', '30', '-1s', '1h'])
      expect(() => parseDuration(text, '--duration')).toThrow(`--duration: expected a duration`);
  });
});
