import { logKeys, vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import type { Checkpoint } from './apply-batch.ts';
import { type RawEntry, toWireEntry } from './change-entry.ts';
import { checkpointKey, isStateKey, REPL_PREFIX } from './replication-keys.ts';
import { DUMP_PAGE_LUA, type ReplicationRedis } from './scripts.ts';

/** What a full resync installed. */
export interface ResyncResult extends Checkpoint {
  keys: number;
}

/** Keys asked of SCAN per page, and so copied per round trip: bounds the memory a resync holds. */
const PAGE_KEYS = 1000;

/**
 * Bounds one step on the primary in time (the link may be partitioned): a hung step fails the resync,
 * which runs again later. Steps on the secondary's own Redis have no deadline, as applies have none.
 */
export type ResyncStep = <T>(promise: Promise<T>, what: string) => Promise<T>;

/** Where a resync stages its copy on the secondary, inside the vault's slot, excluded from digests. */
export function stagingPrefix(vault: string): string {
  return `${vaultPrefix(vault)}${REPL_PREFIX}staging:`;
}

/**
 * Full resync of one vault, a page of keys at a time, so that neither side's Redis is blocked for the
 * size of the vault and this process holds one page, not the vault. The copy is fuzzy: the primary's
 * position is read first, then every state key is copied (DUMP, RESTORE) into a staging area on the
 * secondary while writes go on. Each key then holds its state as of some position at or after the
 * first; the stream from that position, applied by the normal loop once the checkpoint is set there,
 * brings every key to the primary's state, because each entry sets absolute values (whole documents,
 * members, deletions), never increments. The staged copy replaces the old one in one script
 * (swap-staged.lua), so a crash leaves the old copy and its checkpoint, and the resync runs again.
 * Needs the stream's entries after the first position to survive the copy: if the hard cap trims them
 * meanwhile, streaming finds the gap and the vault resyncs again. Every step on the primary is bounded
 * by `step`.
 */
export async function fullResync(
  primary: ReplicationRedis,
  secondary: ReplicationRedis,
  vault: string,
  step: ResyncStep,
): Promise<ResyncResult> {
  const prefix = vaultPrefix(vault);
  const staging = stagingPrefix(vault);
  await clearStaging(secondary, staging);
  const log = logKeys(vault);
  const [position, [last]] = await step(
    Promise.all([
      primary.get(log.position),
      primary.xrevrange(log.stream, '+', '-', 'COUNT', 1) as Promise<RawEntry[]>,
    ]),
    'resync: position',
  );
  const start = { position: Number(position ?? 0), time: last ? Number(toWireEntry(last).t) || 0 : 0 };
  // One page's RESTOREs stay in flight while the next page is scanned and dumped: two pages in memory.
  let restoring: Promise<unknown> = Promise.resolve();
  await forEachPage(primary, `${prefix}*`, step, async (keys) => {
    const state = keys.filter((key) => key.startsWith(prefix) && isStateKey(key.slice(prefix.length)));
    if (state.length === 0) return;
    const dumps = await step(primary.eval_roBuffer(DUMP_PAGE_LUA, state.length, state), 'resync: dump');
    await restoring;
    // A key gone between SCAN and DUMP was deleted after the first position: the stream deletes it.
    const staged: string[] = [];
    const payloads: Buffer[] = [];
    state.forEach((key, i) => {
      const dump = dumps[i];
      if (!dump) return;
      staged.push(staging + key.slice(prefix.length));
      payloads.push(dump);
    });
    restoring =
      staged.length > 0 ? secondary.replRestorePage(staged.length, staged, payloads) : Promise.resolve();
  });
  await restoring;
  const keys = Number(
    await secondary.replSwapStaged(
      checkpointKey(vault),
      prefix,
      staging,
      String(start.position),
      String(start.time),
    ),
  );
  return { ...start, keys };
}

/** Removes what an interrupted resync staged. */
async function clearStaging(secondary: Redis, staging: string): Promise<void> {
  await forEachPage(
    secondary,
    `${staging}*`,
    (promise) => promise,
    async (keys) => {
      if (keys.length > 0) await secondary.unlink(...keys);
    },
  );
}

/** SCAN with MATCH, a page at a time (braces are literal in SCAN's glob; vault names hold no glob characters). */
async function forEachPage(
  redis: Redis,
  pattern: string,
  step: ResyncStep,
  page: (keys: string[]) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await step(redis.scan(cursor, 'MATCH', pattern, 'COUNT', PAGE_KEYS), 'resync: scan');
    await page(keys);
    cursor = next;
  } while (cursor !== '0');
}
