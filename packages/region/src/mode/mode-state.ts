import type { RegionMode } from '@vaultover/contract';
import type { ReadOnlyProfile } from '@vaultover/vault';

/** The gate's state: the mode, the failover epoch it was set under, and the allowlist used when read-only. */
export interface ModeState {
  readonly mode: RegionMode;
  /** Bumped by the control process on every failover transition; never goes down. */
  readonly epoch: number;
  readonly readOnlyProfile: ReadOnlyProfile;
}

/** A requested change; an omitted `readOnlyProfile` keeps the current one. */
export interface ModeChange {
  readonly mode: RegionMode;
  readonly epoch: number;
  readonly readOnlyProfile?: ReadOnlyProfile;
}
