import { describe, expect, it } from 'vitest';
import { parseFaultRuleInput } from './fault-input.ts';

const context = { regions: ['westeurope'], principals: ['admin'] };

describe('parseFaultRuleInput', () => {
  // Found by the fault-rule fuzzer (test/fuzz/fault-rules.test.ts): the message began with nothing.
  it('names an empty field as "" when it refuses it', () => {
    expect(() => parseFaultRuleInput({ name: 'x', action: { type: 'reset' }, '': 1 }, context)).toThrow(
      /^"" is not a field of a fault rule \(name, match, action, schedule\)\.$/,
    );
    expect(() =>
      parseFaultRuleInput({ name: 'x', action: { type: 'reset' }, match: { '': [] } }, context),
    ).toThrow(/^match\."" is not a field of match /);
  });
});
