import { CodedError } from '@vaultover/foundation';

/** The codes of the errors this package throws (a failed call is a CallRecord, never one of these). */
export type LoadErrorCode = 'LoadSpecInvalid' | 'ClientModuleInvalid' | 'LoadSetupFailed';

/** Base of every error this package throws. */
export abstract class LoadError extends CodedError<LoadErrorCode> {}

/** A client spec that cannot run: an unknown operation for its kind, no weight, a bad rate. */
export class LoadSpecInvalidError extends LoadError {
  readonly code = 'LoadSpecInvalid';
}

/** A user's client module that cannot be imported, or whose default export is not a function. */
export class ClientModuleInvalidError extends LoadError {
  readonly code = 'ClientModuleInvalid';
}

/**
 * Creating what the reads need (the secret, key or certificate they read) failed before any load ran:
 * the deployment is not serving, or the principal lacks the rights.
 */
export class LoadSetupFailedError extends LoadError {
  readonly code = 'LoadSetupFailed';
}
