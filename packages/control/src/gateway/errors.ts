import { CodedError } from '@vaultover/foundation';

/** The codes of the errors the gateway throws. */
export type GatewayErrorCode = 'GatewayListenFailed' | 'UpstreamFailed';

/** Base of every error the gateway throws; `code` is stable. */
export abstract class GatewayError extends CodedError<GatewayErrorCode> {}

/** The gateway could not listen (port taken, bad address). */
export class GatewayListenError extends GatewayError {
  readonly code = 'GatewayListenFailed';
}

/** A region did not answer: connection refused or reset, TLS failure, or silence past the timeout. */
export class UpstreamError extends GatewayError {
  readonly code = 'UpstreamFailed';
  readonly region: string;

  constructor(region: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.region = region;
  }
}
