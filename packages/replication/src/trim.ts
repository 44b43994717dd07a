import type { RedisClient } from '@vaultover/foundation/redis';
import { logKeys } from '@vaultover/vault';
import { ackKey } from './replication-keys.ts';

/** Options of trimBelowAcknowledged. */
export interface TrimOptions {
  /** Every secondary region that replicates this vault; one that never acknowledged holds the log whole. */
  secondaries: readonly string[];
  /** Approximate maximum length kept whatever the acknowledgements, so that a dead secondary cannot fill memory. */
  hardCap: number;
}

/** What a trim did. */
export interface TrimResult {
  /** The position every secondary acknowledged (entries at or below it were trimmable). */
  acknowledged: number;
  /** Entries removed by the acknowledgement rule and by the hard cap. */
  trimmed: number;
}

/**
 * On the primary: trims a vault's stream below what every secondary acknowledged (`XTRIM MINID`, exact),
 * then to about `hardCap` entries (`XTRIM MAXLEN ~`). A secondary whose checkpoint falls below the trim
 * point resyncs from a snapshot.
 */
export async function trimBelowAcknowledged(
  primary: RedisClient,
  vault: string,
  options: TrimOptions,
): Promise<TrimResult> {
  const { stream } = logKeys(vault);
  const acks =
    options.secondaries.length === 0
      ? []
      : await primary.mget(...options.secondaries.map((region) => ackKey(vault, region)));
  const acknowledged = acks.length === 0 ? 0 : Math.min(...acks.map((a) => Number(a ?? 0)));
  let trimmed = 0;
  // MINID removes ids strictly below it: entries at or below `acknowledged` go.
  if (acknowledged > 0) trimmed += await primary.xtrim(stream, 'MINID', `${acknowledged + 1}-0`);
  trimmed += await primary.xtrim(stream, 'MAXLEN', '~', options.hardCap);
  return { acknowledged, trimmed };
}
