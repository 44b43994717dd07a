import { CodedError } from '@vaultover/foundation';

/**
 * Errors of the vault, each with the HTTP status and the error code the real service answers with.
 * The region node turns them into `{"error":{"code","message","innererror"}}` in one place. The codes
 * are the service's own, an open set (`SecretNotFound`, ARM's `VaultAlreadyExists`, …), so `code` is a
 * string here.
 */
export class VaultError extends CodedError {
  readonly isVaultError = true;
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;

  constructor(status: number, code: string, message: string, innerCode?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
  }
}

export class BadParameterError extends VaultError {
  constructor(message: string, innerCode?: string) {
    super(400, 'BadParameter', message, innerCode);
  }
}

export class UnauthorizedError extends VaultError {
  constructor(message: string) {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends VaultError {
  constructor(message: string, innerCode?: string) {
    super(403, 'Forbidden', message, innerCode);
  }
}

/** 404 with an object-specific code such as `SecretNotFound`. */
export class NotFoundError extends VaultError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends VaultError {
  constructor(method: string) {
    super(405, 'MethodNotAllowed', `HTTP ${method} not allowed`);
  }
}

export class ConflictError extends VaultError {
  constructor(message: string, innerCode?: string) {
    super(409, 'Conflict', message, innerCode);
  }
}

export class PayloadTooLargeError extends VaultError {
  constructor(message: string) {
    super(413, 'RequestEntityTooLarge', message);
  }
}

/** 415: a body in a media type, charset or content coding the service does not read. */
export class UnsupportedMediaTypeError extends VaultError {
  constructor(message: string) {
    super(415, 'UnsupportedMediaType', message);
  }
}

export class ServiceUnavailableError extends VaultError {
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message);
  }
}

export function isVaultError(error: unknown): error is VaultError {
  return (
    typeof error === 'object' && error !== null && (error as { isVaultError?: unknown }).isVaultError === true
  );
}
