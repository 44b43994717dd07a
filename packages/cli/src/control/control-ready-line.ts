/** Prefix of the one line `vaultover control` prints on stdout once it serves. */
export const CONTROL_READY_PREFIX = 'vaultover control ready ';

/** The JSON after the prefix. */
export interface ControlReady {
  /** The global endpoint. */
  gateway: string;
  /** The control API. */
  control: string;
  pid: number;
}
