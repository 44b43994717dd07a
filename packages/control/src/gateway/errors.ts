import { CodedError } from '@vaultover/foundation';

/** Base of every error the gateway throws; `code` is stable. */
export abstract class GatewayError extends CodedError {}

/** The gateway could not listen (port taken, bad address). */
export class GatewayListenError extends GatewayError {
  readonly code = 'GATEWAY_LISTEN_FAILED';
}

/** A region did not answer: connection refused or reset, TLS failure, or silence past the timeout. */
export class UpstreamError extends GatewayError {
  readonly code = 'UPSTREAM_FAILED';
  readonly region: string;

  constructor(region: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.region = region;
  }
}
