import { CodedError } from '@vaultover/foundation';
import type { ScenarioIssue } from './scenario-issue.ts';

/** What can go wrong with a scenario: its file, before anything runs; its deployment's APIs, while it runs. */
export type ScenarioErrorCode =
  | 'ScenarioInvalid'
  | 'ScenarioUnreadable'
  | 'ExpectationInvalid'
  | 'DeploymentApiFailed';

/** The base of the scenario package's errors. */
export abstract class ScenarioError extends CodedError<ScenarioErrorCode> {}

/**
 * A scenario file that is not valid YAML or not a valid scenario. It carries every problem found, not
 * only the first, each with its place in the file: a user fixes them all in one pass.
 */
export class ScenarioInvalidError extends ScenarioError {
  readonly code = 'ScenarioInvalid';
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[]) {
    super(issues.map((issue) => issue.text).join('\n'));
    this.issues = issues;
  }
}

/** A scenario file that cannot be read at all (missing, a directory, no permission). */
export class ScenarioUnreadableError extends ScenarioError {
  readonly code = 'ScenarioUnreadable';
  readonly file: string;

  constructor(file: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${file}: cannot read the scenario file: ${reason}`, { cause });
    this.file = file;
  }
}

/**
 * An expectation whose text does not parse, or names a figure or unit that does not exist. Inside a
 * scenario file it becomes one of the file's issues; alone (parseExpectation) it is thrown.
 */
export class ExpectationInvalidError extends ScenarioError {
  readonly code = 'ExpectationInvalid';
  readonly text: string;

  constructor(text: string, reason: string) {
    super(reason);
    this.text = text;
  }
}

/** A refusal of the deployment's APIs while a scenario runs: the step that asked fails with it. */
export class DeploymentApiError extends ScenarioError {
  readonly code = 'DeploymentApiFailed';
}
