export { EPOCH_HEADER, requestEpoch, routedEpoch } from './epoch-header.ts';
export {
  EpochMismatchError,
  ReadOnlyRefusalError,
  RegionOfflineError,
  StaleEpochError,
  WriteFencedError,
} from './mode-errors.ts';
export { ModeGate, type ModeGateEvents, type ModeGateOptions, type RegionModeControl } from './mode-gate.ts';
export {
  isRegionMode,
  type ModeChange,
  type ModeState,
  REGION_MODES,
  type RegionMode,
} from './region-mode.ts';
