import { EventEmitter } from 'node:events';
import {
  BadParameterError,
  DEFAULT_READ_ONLY_PROFILE,
  type OperationName,
  operation,
  type ReadOnlyProfile,
  servedWhileReadOnly,
} from '@vaultover/vault';
import {
  EpochMismatchError,
  ReadOnlyRefusalError,
  RegionOfflineError,
  StaleEpochError,
  StandbyRefusalError,
  WriteFencedError,
} from './mode-errors.ts';
import type { ModeChange, ModeState } from './mode-state.ts';

export interface ModeGateOptions {
  region: string;
  /** The start mode: `read-write` for a primary, `standby` for a secondary, at epoch 0. */
  role: 'primary' | 'secondary';
  readOnlyProfile?: ReadOnlyProfile;
  /** Called for every operation refused because the region is read-only (metrics). */
  onReadOnlyRejection?: (operation: OperationName) => void;
}

/**
 * Why writes are held off: the region does not hold the write lease (docs/design.md#fencing). Set by the
 * control link; never sent to clients, whose refusal says only that the region does not hold the lease.
 */
export type WriteFenceReason =
  /** The control store has not yet told the region what to be: it has no lease to write under. */
  | { readonly kind: 'awaiting-lease' }
  /** The failover state names another writer at this epoch. */
  | { readonly kind: 'not-writer'; readonly epoch: number }
  /** The lease ran out by the region's own clock before a renewal arrived (control store unreachable). */
  | { readonly kind: 'lease-expired' };

export interface ModeGateEvents {
  /** After every accepted set(), even one that changes nothing: (new state, previous state). */
  change: [state: ModeState, previous: ModeState];
  /** When `writable` flips (mode or write fence changed). */
  writable: [writable: boolean];
}

/**
 * The region node's own decision on what it serves. Both planes ask it about every request after
 * authentication (so the SDKs still get their 401 challenge) and before anything reads the vault.
 * The control link sets the mode and epoch; it also raises the write fence when it loses the write lease.
 */
export class ModeGate extends EventEmitter<ModeGateEvents> {
  readonly #region: string;
  readonly #onReadOnlyRejection: ((operation: OperationName) => void) | undefined;
  #state: ModeState;
  #writeFence: WriteFenceReason | null = null;

  constructor(options: ModeGateOptions) {
    super();
    this.#region = options.region;
    this.#onReadOnlyRejection = options.onReadOnlyRejection;
    this.#state = {
      mode: options.role === 'primary' ? 'read-write' : 'standby',
      epoch: 0,
      readOnlyProfile: options.readOnlyProfile ?? DEFAULT_READ_ONLY_PROFILE,
    };
  }

  get state(): ModeState {
    return this.#state;
  }

  /** Why writes are held off (the control link's reason; never sent to clients), or null. */
  get writeFence(): WriteFenceReason | null {
    return this.#writeFence;
  }

  /**
   * Throws the refusal of `operationName` in the current state, else returns. `requestEpoch` is the
   * epoch the global endpoint routed the request under (routedEpoch: its PROXY header, or
   * `x-vaultover-epoch`); without one (a client talking to the region directly), the mode alone decides.
   */
  admit(operationName: OperationName, requestEpoch?: number): void {
    const { mode, epoch, readOnlyProfile } = this.#state;
    const misrouted = requestEpoch !== undefined && requestEpoch !== epoch;
    // Routed here under another epoch (the global endpoint's view is a moment behind a transition):
    // say so, and that a retry will be routed right, rather than that this region is a standby.
    if (misrouted && (mode === 'offline' || mode === 'standby'))
      throw new EpochMismatchError(this.#region, requestEpoch, epoch);
    if (mode === 'offline') throw new RegionOfflineError(this.#region);
    if (mode === 'standby') throw new StandbyRefusalError(this.#region);
    const write = operation(operationName).class === 'write';
    if (mode === 'read-only' && !servedWhileReadOnly(operationName, readOnlyProfile)) {
      this.#onReadOnlyRejection?.(operationName);
      throw new ReadOnlyRefusalError(operationName);
    }
    if (!write) return;
    if (misrouted) throw new EpochMismatchError(this.#region, requestEpoch, epoch);
    if (this.#writeFence !== null) throw new WriteFencedError(this.#region);
  }

  /**
   * Moves to `change` and emits 'change'. Throws StaleEpochError (409) when its epoch is lower than the
   * current one, BadParameterError (400) when it is not a non-negative integer.
   */
  set(change: ModeChange): ModeState {
    if (!Number.isSafeInteger(change.epoch) || change.epoch < 0)
      throw new BadParameterError(`"epoch" must be a non-negative integer, not ${change.epoch}.`);
    if (change.epoch < this.#state.epoch) throw new StaleEpochError(change.epoch, this.#state.epoch);
    const previous = this.#state;
    this.#state = {
      mode: change.mode,
      epoch: change.epoch,
      readOnlyProfile: change.readOnlyProfile ?? previous.readOnlyProfile,
    };
    this.emit('change', this.#state, previous);
    this.#emitWritable(previous.mode === 'read-write' && this.#writeFence === null);
    return this.#state;
  }

  /** Whether this region may write now: read-write and not fenced. Background writers (purges) follow it. */
  get writable(): boolean {
    return this.#state.mode === 'read-write' && this.#writeFence === null;
  }

  #emitWritable(before: boolean): void {
    if (this.writable !== before) this.emit('writable', this.writable);
  }

  /**
   * Holds writes off (`reason`) or lets them through again (`null`), whatever the mode says: a primary
   * that cannot renew its write lease must stop writing before the lease runs out elsewhere.
   */
  setWriteFence(reason: WriteFenceReason | null): void {
    const before = this.writable;
    this.#writeFence = reason;
    this.#emitWritable(before);
  }
}

/** What in-process callers (the control link, tests) get: the state, set() and the fence; no admit(). */
export type RegionModeControl = Pick<
  ModeGate,
  'state' | 'writeFence' | 'writable' | 'set' | 'setWriteFence' | 'on' | 'off' | 'once'
>;
