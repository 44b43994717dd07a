import { CodedError } from '@vaultover/foundation';

/**
 * A stored rule this region cannot apply (an action it does not know, a field of the wrong type): the
 * control API validates rules before it stores them, so this is a rule written by hand or by a newer
 * control process. The region skips it, logs why, and applies the others.
 */
export class InvalidFaultRuleError extends CodedError<'InvalidFaultRule'> {
  readonly code = 'InvalidFaultRule';
  readonly ruleId: string;

  constructor(ruleId: string, problem: string) {
    super(`Fault rule ${ruleId} cannot be applied: ${problem}.`);
    this.ruleId = ruleId;
  }
}
