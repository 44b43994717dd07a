import { CodedError } from '@vaultover/foundation';

/**
 * The codes of the errors this package throws. The control API's bodies do not carry them: they are
 * toxiproxy's `{"error": "...", "status": N}`.
 */
export type LinkProxyErrorCode =
  | 'ProxyNotFound'
  | 'ToxicNotFound'
  | 'ToxicExists'
  | 'BadToxic'
  | 'BadRequest'
  | 'PayloadTooLarge'
  | 'Unauthorized'
  | 'Forbidden'
  | 'ProxyListenFailed'
  | 'KernelCommandFailed'
  | 'RouteNotFound'
  | 'MethodNotAllowed';

/** Base of every error this package throws: `code` is stable, `status` is what the control API answers. */
export abstract class LinkProxyError extends CodedError<LinkProxyErrorCode> {
  abstract readonly status: number;
}

/** No proxy by that name (HTTP 404, as toxiproxy's ErrProxyNotFound). */
export class ProxyNotFoundError extends LinkProxyError {
  readonly code = 'ProxyNotFound';
  readonly status = 404;

  constructor(name: string) {
    super(`proxy not found: ${name}`);
  }
}

/** No toxic by that name on the proxy (HTTP 404). */
export class ToxicNotFoundError extends LinkProxyError {
  readonly code = 'ToxicNotFound';
  readonly status = 404;

  constructor(name: string) {
    super(`toxic not found: ${name}`);
  }
}

/** A toxic with that name already exists on the proxy (HTTP 409). */
export class ToxicExistsError extends LinkProxyError {
  readonly code = 'ToxicExists';
  readonly status = 409;

  constructor(name: string) {
    super(`toxic already exists: ${name}`);
  }
}

/** A toxic definition that cannot be used: unknown type, bad stream, bad attribute (HTTP 400). */
export class BadToxicError extends LinkProxyError {
  readonly code = 'BadToxic';
  readonly status = 400;
}

/** A control API request that is not valid JSON or has the wrong shape (HTTP 400). */
export class BadRequestError extends LinkProxyError {
  readonly code = 'BadRequest';
  readonly status = 400;
}

/** A control API request body larger than the API reads (HTTP 413). */
export class PayloadTooLargeError extends LinkProxyError {
  readonly code = 'PayloadTooLarge';
  readonly status = 413;
}

/** A control API request without a valid credential (HTTP 401, with the challenge). */
export class UnauthorizedError extends LinkProxyError {
  readonly code = 'Unauthorized';
  readonly status = 401;
}

/** A control API request from a caller who may not drive the links (HTTP 403). */
export class ForbiddenError extends LinkProxyError {
  readonly code = 'Forbidden';
  readonly status = 403;
}

/** A kernel link's `ip` or `tc` command failed (HTTP 500): the link is left as it was before the change. */
export class KernelCommandError extends LinkProxyError {
  readonly code = 'KernelCommandFailed';
  readonly status = 500;
}

/** The proxy could not listen (port taken, bad address). */
export class ProxyListenError extends LinkProxyError {
  readonly code = 'ProxyListenFailed';
  readonly status = 500;
}
