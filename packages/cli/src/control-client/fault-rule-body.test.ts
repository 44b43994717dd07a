import type { FaultRuleJson } from '@vaultover/control';
import { describe, expect, it } from 'vitest';
import { faultRuleBody, flagOfMessage } from './fault-rule-body.ts';
import { actionOf, formatFaultList, matchOf } from './format-faults.ts';

describe('faultRuleBody', () => {
  it('puts each flag in the field it names, and leaves out what is not given', () => {
    expect(faultRuleBody({ action: 'delay', ms: 200, regions: ['westeurope'], times: 3 })).toEqual({
      name: 'delay',
      match: { regions: ['westeurope'] },
      action: { type: 'delay', ms: 200 },
      schedule: { times: 3 },
    });
    expect(faultRuleBody({ action: 'hang', name: 'stuck' })).toEqual({
      name: 'stuck',
      action: { type: 'hang' },
    });
  });

  it("defaults an error to 503 ServiceUnavailable, and the code to the status's", () => {
    expect(faultRuleBody({ name: 'e' }).action).toEqual({
      type: 'error',
      status: 503,
      code: 'ServiceUnavailable',
      message: 'Injected by the fault rule e.',
    });
    expect(faultRuleBody({ status: 500 }).action).toMatchObject({ status: 500, code: 'InternalServerError' });
    expect(faultRuleBody({ status: 418 }).action).toMatchObject({ status: 418, code: 'InjectedFault' });
    expect(faultRuleBody({ status: 429, code: 'Busy' }).action).toMatchObject({ code: 'Busy' });
  });

  it('refuses, as bad usage, the flags of another action and a delay without --ms', () => {
    const usage = (flags: Parameters<typeof faultRuleBody>[0]) => {
      try {
        faultRuleBody(flags);
      } catch (error) {
        expect(error).toMatchObject({ code: 'BadUsage', exitCode: 2 });
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(usage({ action: 'reset', ms: 3 })).toBe('--ms applies to --action delay, not reset');
    expect(usage({ maxMs: 3 })).toBe('--max-ms applies to --action hang, not error');
    expect(usage({ action: 'delay', ms: 1, status: 500 })).toBe(
      '--status applies to --action error, not delay',
    );
    expect(usage({ action: 'hang', retryAfter: 1 })).toBe(
      '--retry-after applies to --action error or throttle, not hang',
    );
    expect(usage({ action: 'delay' })).toBe('--action delay needs --ms <milliseconds>');
    expect(faultRuleBody({ action: 'throttle', retryAfter: 1 }).action).toEqual({
      type: 'throttle',
      retryAfter: 1,
    });
  });
});

describe('flagOfMessage', () => {
  it('names the flag of the field a refusal names first', () => {
    expect(flagOfMessage('schedule.perRequest must be a whole number')).toBe('--per-request');
    expect(flagOfMessage('match.regions[1] must be a region')).toBe('--regions');
    expect(flagOfMessage('action.retryAfter must be a whole number')).toBe('--retry-after');
    expect(flagOfMessage('action.type must be one of')).toBe('--action');
    expect(flagOfMessage('name must be a non-empty string')).toBe('--name');
    expect(flagOfMessage('The body is not valid JSON')).toBeUndefined();
  });
});

describe('the fault tables', () => {
  const rule = (fields: Partial<FaultRuleJson>): FaultRuleJson => ({
    id: 'a1b2c3d4e5',
    name: 'r',
    match: {},
    action: { type: 'reset' },
    schedule: { seed: 1 },
    state: 'active',
    hits: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  });

  it('sums up each action and match in a few words', () => {
    expect(
      actionOf({ type: 'error', status: 503, code: 'ServiceUnavailable', message: 'm', retryAfter: 2 }),
    ).toBe('error 503 ServiceUnavailable retry-after=2s');
    expect(actionOf({ type: 'throttle' })).toBe('throttle 429');
    expect(actionOf({ type: 'delay', ms: 200, jitterMs: 50 })).toBe('delay 200ms ±50ms');
    expect(actionOf({ type: 'hang', maxMs: 5000 })).toBe('hang max 5000ms');
    expect(actionOf({ type: 'drop-body' })).toBe('drop-body');
    expect(matchOf({})).toBe('any request');
    expect(matchOf({ regions: ['westeurope'], operations: ['read', 'Key*'] })).toBe(
      'regions=westeurope operations=read,Key*',
    );
  });

  it('lists one rule a row, hits out of times when there is a limit', () => {
    expect(formatFaultList([])).toBe('no fault rules\n');
    expect(
      formatFaultList([
        rule({ name: 'slow', action: { type: 'delay', ms: 100 }, hits: 4 }),
        rule({ id: 'f0f0f0f0f0', name: 'gone', state: 'expired', hits: 3, schedule: { times: 3, seed: 2 } }),
      ]).split('\n'),
    ).toEqual([
      'ID          NAME  ACTION       STATE    HITS  MATCH',
      'a1b2c3d4e5  slow  delay 100ms  active   4     any request',
      'f0f0f0f0f0  gone  reset        expired  3/3   any request',
      '',
    ]);
  });
});
