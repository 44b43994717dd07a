/** Prefix of the one line `vaultover region` prints on stdout once it serves. */
export const REGION_READY_PREFIX = 'vaultover region ready ';

/** The JSON after the prefix. */
export interface RegionReady {
  name: string;
  url: string;
  caFile: string;
  pid: number;
}
