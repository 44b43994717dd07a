import { CodedError } from '@vaultover/foundation';

/** Base of every error this package throws: `code` is stable, `status` is what the control API answers. */
export abstract class LinkProxyError extends CodedError {
  abstract readonly status: number;
}

/** No proxy by that name (HTTP 404, as toxiproxy's ErrProxyNotFound). */
export class ProxyNotFoundError extends LinkProxyError {
  readonly code = 'PROXY_NOT_FOUND';
  readonly status = 404;

  constructor(name: string) {
    super(`proxy not found: ${name}`);
  }
}

/** No toxic by that name on the proxy (HTTP 404). */
export class ToxicNotFoundError extends LinkProxyError {
  readonly code = 'TOXIC_NOT_FOUND';
  readonly status = 404;

  constructor(name: string) {
    super(`toxic not found: ${name}`);
  }
}

/** A toxic with that name already exists on the proxy (HTTP 409). */
export class ToxicExistsError extends LinkProxyError {
  readonly code = 'TOXIC_EXISTS';
  readonly status = 409;

  constructor(name: string) {
    super(`toxic already exists: ${name}`);
  }
}

/** A toxic definition that cannot be used: unknown type, bad stream, bad attribute (HTTP 400). */
export class BadToxicError extends LinkProxyError {
  readonly code = 'BAD_TOXIC';
  readonly status = 400;
}

/** A control API request that is not valid JSON or has the wrong shape (HTTP 400). */
export class BadRequestError extends LinkProxyError {
  readonly code = 'BAD_REQUEST';
  readonly status = 400;
}

/** The proxy could not listen (port taken, bad address). */
export class ProxyListenError extends LinkProxyError {
  readonly code = 'PROXY_LISTEN_FAILED';
  readonly status = 500;
}
