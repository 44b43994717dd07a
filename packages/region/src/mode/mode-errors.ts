import { ConflictError, type OperationName, ServiceUnavailableError } from '@vaultover/vault';

// Every refusal is a 503 ServiceUnavailable: the request is fine, this region just does not serve it now,
// and the SDKs retry 503 (which is what users come to watch). Messages never carry object names or values.

/** Why the mode gate refused a request: a closed set for code and tests; clients see only the message. */
export type ModeRefusalReason = 'standby' | 'offline' | 'read-only' | 'epoch-mismatch' | 'write-fenced';

/** A refusal of the mode gate: 503 ServiceUnavailable on the wire, its `reason` in code. */
export abstract class ModeRefusalError extends ServiceUnavailableError {
  abstract readonly reason: ModeRefusalReason;
}

/**
 * What a client gets from a standby secondary: only replication writes to it (its state is the primary's
 * copy), so serving a client write would fork the regions, and a read could be stale without saying so.
 * 503 rather than 403: the request is fine, this region is just not the one to serve it right now.
 */
export class StandbyRefusalError extends ModeRefusalError {
  readonly reason = 'standby';

  constructor(region: string) {
    super(
      `Region ${region} is a standby secondary: it serves replication only. ` +
        'Send requests to the primary region (or the global endpoint).',
    );
  }
}

/**
 * The real service's refusal of an operation outside the read-only allowlist, word for word
 * (docs/design.md#read-only-after-failover).
 */
export class ReadOnlyRefusalError extends ModeRefusalError {
  readonly reason = 'read-only';
  readonly operation: OperationName;

  constructor(operation: OperationName) {
    super(`Operation "${operation}" is unavailable: the service is currently in a read-only state.`);
    this.operation = operation;
  }
}

export class RegionOfflineError extends ModeRefusalError {
  readonly reason = 'offline';

  constructor(region: string) {
    super(`Region ${region} is offline: it serves no requests. Retry later, or use another region.`);
  }
}

/**
 * A write routed under another failover epoch than the region's: the router's view is stale (or the
 * region's is), and accepting it could let two regions take writes for the same epoch.
 */
export class EpochMismatchError extends ModeRefusalError {
  readonly reason = 'epoch-mismatch';
  readonly requestEpoch: number;
  readonly regionEpoch: number;

  constructor(region: string, requestEpoch: number, regionEpoch: number) {
    super(
      `The request was routed under epoch ${requestEpoch} but region ${region} is at epoch ${regionEpoch}; ` +
        'it was not applied. Retry.',
    );
    this.requestEpoch = requestEpoch;
    this.regionEpoch = regionEpoch;
  }
}

/** A write while the write fence is up: the region does not hold the write lease (docs/design.md#fencing). */
export class WriteFencedError extends ModeRefusalError {
  readonly reason = 'write-fenced';

  constructor(region: string) {
    super(`Region ${region} does not hold the write lease, so it accepts no writes right now. Retry.`);
  }
}

/** A mode change under an older epoch than the gate's: a late or duplicated order must not undo a newer one. */
export class StaleEpochError extends ConflictError {
  readonly requestedEpoch: number;
  readonly currentEpoch: number;

  constructor(requestedEpoch: number, currentEpoch: number) {
    super(
      `Epoch ${requestedEpoch} is older than the region's current epoch ${currentEpoch}; ` +
        'a mode change needs an epoch at least as high as the current one.',
    );
    this.requestedEpoch = requestedEpoch;
    this.currentEpoch = currentEpoch;
  }
}
