import { THROTTLED_BODY } from '@vaultover/contract';
import { VaultError } from '@vaultover/vault';
import type { ThrottleClass } from './throttle-plan.ts';

/** HTTP 429 with the real service's body, word for word (THROTTLED_BODY), for a request over its limit. */
export class ThrottledError extends VaultError {
  /** The class whose budget the request would have overrun. */
  readonly throttleClass: ThrottleClass;
  /** When the oldest admitted request of that class leaves the window (epoch ms). */
  readonly retryAt: number;

  constructor(throttleClass: ThrottleClass, retryAt: number) {
    super(429, THROTTLED_BODY.error.code, THROTTLED_BODY.error.message);
    this.throttleClass = throttleClass;
    this.retryAt = retryAt;
  }
}
