import { EventEmitter } from 'node:events';
import { ACK_CHANNEL } from '@vaultover/contract';
import { withDeadline } from '@vaultover/foundation';
import { type RedisClient, scanKeys } from '@vaultover/foundation/redis';
import {
  CHANGE_NOTICES_KEY,
  isVaultLifecycleOperation,
  logKeys,
  VAULT_INDEX_KEY,
  vaultPrefix,
} from '@vaultover/vault';
import { applyBatch, type Checkpoint, readCheckpoint } from './apply-batch.ts';
import { type RawEntry, toWireEntry, type WireEntry } from './change-entry.ts';
import { type ChangeNotice, parseChangeNotice } from './change-notice.ts';
import { digestAll } from './digest-all.ts';
import { ReplicationError } from './errors.ts';
import { type ReplicatorOptions, type ResolvedReplicatorOptions, resolveOptions } from './options.ts';
import { ackKey, checkpointKey, vaultOfKey } from './replication-keys.ts';
import { fullResync } from './resync.ts';
import { type ReplicationRedis, replicationRedis } from './scripts.ts';
import type { ReplicationState, ReplicationStatus, VaultReplicationStatus } from './status.ts';

/** Events of a Replicator, for metrics and caches. */
export interface ReplicatorEvents {
  /** A batch of a vault was applied; `lagMs` is apply time minus the last entry's commit time. */
  applied: [{ vault: string; applied: number; position: number; lagMs: number; lifecycle: boolean }];
  resync: [{ vault: string; position: number; keys: number }];
  'vault-stopped': [{ vault: string; error: ReplicationError }];
  link: [{ up: boolean; error?: Error }];
}

interface TrackedVault {
  name: string;
  checkpoint: Checkpoint;
  /** The primary's position and the commit time of its newest entry, as last seen. */
  primaryPosition: number;
  primaryTime: number;
  resyncing: boolean;
  needsResync: boolean;
  stopped: ReplicationError | undefined;
}

interface PrimaryLinks {
  /** Blocks on the primary's change notices. */
  blocking: RedisClient;
  command: ReplicationRedis;
}

/**
 * Pulls every vault's change stream from the primary's Redis and applies it to the secondary's, one
 * atomic script per vault per batch that also advances the vault's checkpoint. The primary notes each
 * commit in its change notices (CHANGE_NOTICES_KEY); the replicator blocks on that one stream. A notice
 * that carries its entry, the vault's next, is applied from there, as a bare stream relay would: read,
 * then apply, two round trips. Otherwise the replicator reads the stream of each vault noted (or found
 * behind by a sweep of every vault's position, after each connection and every sweepMs). Its cost
 * follows the writes, not the number of vaults, and no command names two vaults' keys (Redis Cluster). Any primary failure (error, deadline) drops both primary
 * connections and reconnects with back-off; the checkpoint on the secondary is the only progress that
 * matters, so a restart resumes from it.
 */
export class Replicator extends EventEmitter<ReplicatorEvents> {
  readonly #options: ResolvedReplicatorOptions;
  readonly #secondary: ReplicationRedis;
  readonly #vaults = new Map<string, TrackedVault>();
  /** Vaults with entries to read: noted, found behind by a sweep, or left with a full batch. */
  readonly #dirty = new Set<string>();
  /**
   * Vaults whose next entry is gone (trimmed), to be resynced. A set of its own so that the loop never
   * looks at every tracked vault: what it does per turn must not grow with the number of vaults.
   */
  readonly #toResync = new Set<TrackedVault>();
  #links: PrimaryLinks | undefined;
  #linkUp = false;
  #connectedOnce = false;
  #lastError: string | null = null;
  #stopped = false;
  /** Aborted by stop() and kill(): cuts short a back-off. */
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #nextSweep = 0;
  /** The id of the last change notice read: the next read starts after it. */
  #noticeId = '0-0';
  /**
   * Positions applied but not yet acknowledged on the primary (ack key → position). Sent with the next
   * reads; kept until a send carried them, so that a dropped
   * connection loses none (sync-mode writes wait for them). Acknowledged after the apply: a crash in
   * between only delays trimming.
   */
  readonly #unsentAcks = new Map<string, number>();
  #appliedTotal = 0;
  #resyncsTotal = 0;

  constructor(options: ReplicatorOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#secondary = replicationRedis(options.secondary);
  }

  /** Starts the loop (idempotent). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops gracefully: ends the loop and disconnects the primary clients. The secondary client is the caller's. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    this.#dropLinks();
    await this.#loop;
  }

  /** Abrupt stop (as a crash): disconnects the primary clients at once without waiting for anything in flight. */
  kill(): void {
    this.#stopped = true;
    this.#stopping.abort();
    this.#dropLinks();
    // Nobody waits for a killed loop: its failure on the dropped links must not become an unhandled rejection.
    this.#loop?.catch(() => undefined);
  }

  /** The status snapshot; `digests: true` also computes each vault's digest on the secondary. */
  async status(options: { digests?: boolean } = {}): Promise<ReplicationStatus> {
    const vaults: Record<string, VaultReplicationStatus> = {};
    let lastPosition = 0;
    let lastApplied = 0;
    let lagEntries = 0;
    let lastCommitTime = 0;
    let lastAppliedTime = 0;
    let lagMs = 0;
    for (const v of this.#vaults.values()) {
      const position = Math.max(v.primaryPosition, v.checkpoint.position);
      lastPosition += position;
      lastApplied += v.checkpoint.position;
      lagEntries += position - v.checkpoint.position;
      lastCommitTime = Math.max(lastCommitTime, v.primaryTime, v.checkpoint.time);
      lastAppliedTime = Math.max(lastAppliedTime, v.checkpoint.time);
      if (position > v.checkpoint.position) lagMs = Math.max(lagMs, v.primaryTime - v.checkpoint.time);
      vaults[v.name] = {
        position,
        appliedPosition: v.checkpoint.position,
        state: v.stopped ? 'stopped' : v.resyncing || v.needsResync ? 'resyncing' : 'streaming',
        lastError: v.stopped?.message ?? null,
      };
    }
    const known = this.#connectedOnce;
    const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
    return {
      region: this.#options.region,
      role: 'secondary',
      state: this.#state(),
      lastPosition: known ? lastPosition : null,
      lastCommitTime: iso(lastCommitTime),
      lastAppliedPosition: known ? lastApplied : null,
      lastAppliedTime: iso(lastAppliedTime),
      lagEntries: known ? lagEntries : null,
      lagSeconds: known ? Math.max(0, lagMs) / 1000 : null,
      link: this.#linkUp ? 'up' : 'down',
      lastError:
        this.#lastError ?? [...this.#vaults.values()].find((v) => v.stopped)?.stopped?.message ?? null,
      digests: options.digests ? await digestAll(this.#secondary, [...this.#vaults.keys()]) : {},
      appliedTotal: this.#appliedTotal,
      resyncsTotal: this.#resyncsTotal,
      vaults,
    };
  }

  #state(): ReplicationState {
    if (this.#stopped || !this.#connectedOnce) return 'idle';
    if (!this.#linkUp) return 'disconnected';
    if ([...this.#toResync].some((v) => !v.stopped)) return 'resyncing';
    return this.#vaults.size === 0 ? 'idle' : 'streaming';
  }

  async #run(): Promise<void> {
    let backoff = this.#options.backoffMs;
    while (!this.#stopped) {
      try {
        const links = this.#connect();
        // The notices' end first, then every position: what is committed after the one is in the
        // notices read from there, what before is in the other.
        this.#noticeId = await this.#lastNoticeId(links);
        await this.#sweep(links);
        this.#setLink(true);
        this.#lastError = null;
        backoff = this.#options.backoffMs;
        await this.#follow(links);
      } catch (error) {
        if (this.#stopped) break;
        const failure = error instanceof Error ? error : new Error(String(error));
        this.#lastError = failure.message;
        this.#dropLinks();
        this.#setLink(false, failure);
        await this.#options.clock.sleep(backoff, this.#stopping.signal);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      }
    }
  }

  /**
   * Reads notices and applies what they name until stopped; throws when the link fails. With no vault
   * to read, the read blocks up to blockMs. A drain right after that read needs no read of the notices
   * of its own (the notices were just read); a drain after a drain (a backlog) reads them without
   * blocking, in the same tick as the vaults' entries, so that new vaults join the next drain.
   */
  async #follow(links: PrimaryLinks): Promise<void> {
    let noticesJustRead = false;
    // The periodic sweep runs beside the loop, a page at a time, so that the loop's own commands pass
    // between its pages: over thousands of vaults, a sweep awaited in the loop held every write's
    // apply up for its whole length (a few hundred ms on a busy machine, every sweepMs). What it finds
    // is read at the loop's next turn. A failure fails the link, as the loop's own do.
    let sweeping = false;
    let sweepFailure: { error: unknown } | undefined;
    while (!this.#stopped) {
      if (sweepFailure) throw sweepFailure.error;
      if (!sweeping && this.#options.clock.monotonicNow() >= this.#nextSweep) {
        sweeping = true;
        this.#sweep(links).then(
          () => {
            sweeping = false;
          },
          (error: unknown) => {
            sweepFailure = { error };
          },
        );
      }
      await this.#resyncTrimmed(links);
      if (this.#dirty.size === 0) {
        await this.#applyCarried(this.#noted(await this.#awaitNotices(links)));
        noticesJustRead = true;
      } else if (noticesJustRead) {
        await this.#drain(links);
        noticesJustRead = false;
      } else {
        // Both awaited together: a failure of either must not leave the other's rejection unhandled.
        const [notices] = await Promise.all([this.#readNotices(links), this.#drain(links)]);
        await this.#applyCarried(this.#noted(notices));
      }
    }
  }

  #connect(): PrimaryLinks {
    const command = replicationRedis(this.#options.primary());
    const blocking = this.#options.primary();
    // Errors surface through the commands; without listeners ioredis would log them as unhandled.
    command.on('error', () => undefined);
    blocking.on('error', () => undefined);
    this.#links = { command, blocking };
    return this.#links;
  }

  async #lastNoticeId(links: PrimaryLinks): Promise<string> {
    const [last] = await this.#command(
      links.command.xrevrange(CHANGE_NOTICES_KEY, '+', '-', 'COUNT', 1),
      'notices',
    );
    return last?.[0] ?? '0-0';
  }

  /** The notices after the last one read, without blocking. */
  async #readNotices(links: PrimaryLinks): Promise<RawEntry[]> {
    const { batchSize, readTimeoutMs } = this.#options;
    const read = links.blocking.xread('COUNT', batchSize, 'STREAMS', CHANGE_NOTICES_KEY, this.#noticeId);
    return noticesOf(await this.#deadline(read, readTimeoutMs, 'notices'));
  }

  /**
   * The notices after the last one read, blocking up to blockMs for the first. The acknowledgements not
   * yet sent go on the same connection just before the read, in the same write: Redis runs them at once
   * (a sync write waiting for them is not held up), then blocks on the read, and the pair costs one
   * write to the socket, not one per connection. A partition may hang the read forever: after the
   * block and readTimeoutMs, it counts as failed and the link is dropped.
   */
  async #awaitNotices(links: PrimaryLinks): Promise<RawEntry[]> {
    const { batchSize, blockMs, readTimeoutMs } = this.#options;
    const acks = this.#sendAcks(links.blocking);
    const read = links.blocking.xread(
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      CHANGE_NOTICES_KEY,
      this.#noticeId,
    );
    // One deadline for both: the client resolves the pair's replies together, when the read returns.
    const [, reply] = await this.#deadline(Promise.all([acks, read]), blockMs + readTimeoutMs, 'notices');
    return noticesOf(reply);
  }

  /**
   * Moves past the notices: collects the entries they carry that are their vault's next ones, in order,
   * and marks the other vaults they name as dirty (their stream is read): a vault not tracked yet, one
   * with a backlog, a notice without its entry, or a gap (an entry whose notice was trimmed or never
   * written).
   */
  #noted(notices: RawEntry[]): Map<TrackedVault, WireEntry[]> {
    const carried = new Map<TrackedVault, WireEntry[]>();
    for (const [id, fields] of notices) {
      this.#noticeId = id;
      const notice = parseChangeNotice(fields);
      if (!notice) continue;
      const v = this.#vaults.get(notice.vault);
      if (v) {
        v.primaryPosition = Math.max(v.primaryPosition, notice.position);
        v.primaryTime = Math.max(v.primaryTime, notice.time);
      }
      if (!v || !this.#carry(v, notice, carried)) this.#dirty.add(notice.vault);
    }
    return carried;
  }

  /** Whether the notice's entry is taken care of: added to its vault's carried batch, or applied already. */
  #carry(v: TrackedVault, notice: ChangeNotice, carried: Map<TrackedVault, WireEntry[]>): boolean {
    if (!notice.entry || v.stopped || v.needsResync || this.#dirty.has(v.name)) return false;
    const batch = carried.get(v);
    const next = (batch?.at(-1)?.position ?? v.checkpoint.position) + 1;
    // Read again after a drain that applied it from the stream: nothing to do.
    if (notice.position < next) return true;
    if (notice.position > next) return false;
    if (batch) batch.push(notice.entry);
    else carried.set(v, [notice.entry]);
    return true;
  }

  /** Applies what the notices carried, every vault's batch at once (their scripts sent in one tick). */
  async #applyCarried(carried: Map<TrackedVault, WireEntry[]>): Promise<void> {
    if (carried.size === 0 || this.#stopped) return;
    await Promise.all(
      [...carried].map(async ([v, entries]) => {
        await this.#apply(v, entries);
        if (!v.stopped && v.checkpoint.position < v.primaryPosition) this.#dirty.add(v.name);
      }),
    );
  }

  #dropLinks(): void {
    const links = this.#links;
    this.#links = undefined;
    links?.blocking.disconnect();
    links?.command.disconnect();
  }

  #setLink(up: boolean, error?: Error): void {
    if (up) this.#connectedOnce = true;
    if (this.#linkUp === up) return;
    this.#linkUp = up;
    this.emit('link', error ? { up, error } : { up });
  }

  #command<T>(promise: Promise<T>, what: string, ms = this.#options.commandTimeoutMs): Promise<T> {
    return this.#deadline(promise, ms, what);
  }

  /** Races a command against `ms` on the replicator's clock; no answer in time is a ReadTimeout. */
  #deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return withDeadline(
      promise,
      ms,
      () => {
        throw new ReplicationError('ReadTimeout', `${what}: no answer in ${ms} ms`);
      },
      this.#options.clock,
    );
  }

  /**
   * Every vault's position on the primary: the vault index (and, on the first sweep with nothing
   * tracked, the vaults this secondary has checkpoints for), then each one's `pos`. A vault behind is
   * read next. Run after each connection, for what was committed while nobody read the notices, and
   * every sweepMs as a safety net (for entries without a notice: written by hand, or trimmed from the
   * notices before they were read).
   */
  async #sweep(links: PrimaryLinks): Promise<void> {
    this.#nextSweep = this.#options.clock.monotonicNow() + this.#options.sweepMs;
    const names = await this.#command(links.command.zrange(VAULT_INDEX_KEY, '0', '-1'), 'vault index');
    if (this.#vaults.size === 0) names.push(...(await this.#locallyKnownVaults()));
    await inPages(names, async (page) => {
      await Promise.all(page.map((name) => this.#tracked(name)));
    });
    await inPages([...this.#vaults.values()], async (vaults) => {
      // One command per vault (each in its vault's slot), sent in one tick: the client pipelines them.
      const positions = await this.#command(
        Promise.all(vaults.map((v) => links.command.get(logKeys(v.name).position))),
        'positions',
      );
      vaults.forEach((v, i) => {
        v.primaryPosition = Number(positions[i] ?? 0);
        if (v.primaryPosition > v.checkpoint.position) this.#dirty.add(v.name);
      });
    });
  }

  /** Vaults this secondary already has checkpoints for: a vault purged (unindexed) while we were down still needs its entries. */
  async #locallyKnownVaults(): Promise<string[]> {
    const names = new Set<string>();
    for await (const keys of scanKeys(this.#secondary, 'vo:{*}:repl:checkpoint')) {
      for (const key of keys) {
        const name = vaultOfKey(key);
        if (name !== undefined && checkpointKey(name) === key) names.add(name);
      }
    }
    return [...names];
  }

  /** The vault's tracking, started (from its checkpoint on the secondary) if it is new. */
  async #tracked(name: string): Promise<TrackedVault> {
    const known = this.#vaults.get(name);
    if (known) return known;
    const checkpoint = await readCheckpoint(this.#secondary, name);
    const v: TrackedVault = {
      name,
      checkpoint,
      primaryPosition: checkpoint.position,
      primaryTime: checkpoint.time,
      resyncing: false,
      needsResync: false,
      stopped: undefined,
    };
    // Another caller may have tracked it while the checkpoint was read.
    const raced = this.#vaults.get(name);
    if (raced) return raced;
    this.#vaults.set(name, v);
    return v;
  }

  /** Marks a vault whose next entry is gone: it is resynced before the loop reads on. */
  #needsResync(v: TrackedVault): void {
    v.needsResync = true;
    this.#toResync.add(v);
  }

  async #resyncTrimmed(links: PrimaryLinks): Promise<void> {
    for (const v of this.#toResync) {
      if (this.#stopped) return;
      if (!v.needsResync || v.stopped) {
        this.#toResync.delete(v);
        continue;
      }
      v.resyncing = true;
      try {
        const result = await fullResync(links.command, this.#secondary, v.name, (promise, what) =>
          this.#command(promise, what, this.#options.resyncStepTimeoutMs),
        );
        v.checkpoint = { position: result.position, time: result.time };
        v.needsResync = false;
        this.#toResync.delete(v);
        this.#resyncsTotal += 1;
        await this.#syncVaultIndex(v.name);
        await this.#command(links.command.set(ackKey(v.name, this.#options.region), result.position), 'ack');
        // Entries after the snapshot's position are read next.
        this.#dirty.add(v.name);
        this.emit('resync', { vault: v.name, position: result.position, keys: result.keys });
      } finally {
        v.resyncing = false;
      }
    }
  }

  /**
   * Reads every dirty vault's next entries (up to batchSize after its checkpoint), all sent in one tick
   * with the acknowledgements of the last apply, then applies each vault's batch. A vault left with
   * more to read stays dirty; one whose next entry is gone (trimmed) is resynced.
   */
  async #drain(links: PrimaryLinks): Promise<void> {
    const vaults = await Promise.all([...this.#dirty].map((name) => this.#tracked(name)));
    this.#dirty.clear();
    const active = vaults.filter((v) => !v.stopped && !v.needsResync);
    const { batchSize } = this.#options;
    const acks = this.#sendAcks(links.command);
    const reads = active.map((v) =>
      links.command.xrange(logKeys(v.name).stream, `${v.checkpoint.position + 1}-0`, '+', 'COUNT', batchSize),
    );
    const [, ...batches] = await this.#command(Promise.all([acks, ...reads]), 'read');
    if (this.#stopped) return;
    // The vaults are independent: their batches are applied at once, their scripts sent in one tick.
    await Promise.all(
      active.map(async (v, i) => {
        const entries = (batches[i] as RawEntry[]).map(toWireEntry);
        const first = entries[0]?.position;
        if (first === undefined) return this.#checkNothingMissing(links, v);
        // The entry right after the checkpoint is gone: trimmed between two reads.
        if (first > v.checkpoint.position + 1) {
          this.#needsResync(v);
          return;
        }
        await this.#apply(v, entries);
        if (entries.length === batchSize || v.checkpoint.position < v.primaryPosition)
          this.#dirty.add(v.name);
      }),
    );
  }

  /**
   * A vault read with nothing after its checkpoint while a notice or sweep put the primary ahead: its
   * entries were trimmed (or its stream is gone), unless the primary's position went back (its Redis
   * lost data), which `pos` tells. Rare, so not paid for on every read.
   */
  async #checkNothingMissing(links: PrimaryLinks, v: TrackedVault): Promise<void> {
    if (v.primaryPosition <= v.checkpoint.position) return;
    v.primaryPosition = Number(
      (await this.#command(links.command.get(logKeys(v.name).position), 'position')) ?? 0,
    );
    if (v.primaryPosition > v.checkpoint.position) this.#needsResync(v);
  }

  async #apply(v: TrackedVault, entries: WireEntry[]): Promise<void> {
    try {
      const result = await applyBatch(this.#secondary, v.name, entries);
      v.checkpoint = { position: result.position, time: result.time };
      v.primaryPosition = Math.max(v.primaryPosition, result.position);
      v.primaryTime = Math.max(v.primaryTime, result.time);
      this.#appliedTotal += result.applied;
      const lifecycle = entries.some((e) => isVaultLifecycleOperation(e.op));
      if (lifecycle) await this.#syncVaultIndex(v.name);
      this.#unsentAcks.set(ackKey(v.name, this.#options.region), result.position);
      this.emit('applied', {
        vault: v.name,
        applied: result.applied,
        position: result.position,
        lagMs: this.#options.clock.now() - result.time,
        lifecycle,
      });
    } catch (error) {
      if (!(error instanceof ReplicationError)) throw error;
      // Bad data stops this vault only, loudly; the others go on.
      v.stopped = error;
      this.emit('vault-stopped', { vault: v.name, error });
    }
  }

  /**
   * Sends the acknowledgements not sent yet: a SET per vault and one PUBLISH that wakes the writes a
   * sync primary holds. Issued without waiting, so that reads sent in the same tick share its write.
   */
  #sendAcks(primary: RedisClient): Promise<void> {
    if (this.#unsentAcks.size === 0) return Promise.resolve();
    const acks = new Map(this.#unsentAcks);
    const sent: Promise<unknown>[] = [...acks].map(([key, position]) => primary.set(key, position));
    sent.push(primary.publish(ACK_CHANNEL, this.#options.region));
    return Promise.all(sent).then(() => {
      for (const [key, position] of acks)
        if (this.#unsentAcks.get(key) === position) this.#unsentAcks.delete(key);
    });
  }

  /** The secondary's vault index follows its `props` keys, as the primary's follows commits. */
  async #syncVaultIndex(name: string): Promise<void> {
    const exists = await this.#secondary.exists(`${vaultPrefix(name)}props`);
    if (exists) await this.#secondary.zadd(VAULT_INDEX_KEY, 0, name);
    else await this.#secondary.zrem(VAULT_INDEX_KEY, name);
  }
}

/** The entries of an XREAD reply on the one stream of notices. */
function noticesOf(reply: [string, RawEntry[]][] | null): RawEntry[] {
  return reply?.[0]?.[1] ?? [];
}

/** Vaults a sweep handles at once: enough to amortise a round trip, few enough not to hold the loop up. */
const SWEEP_PAGE = 256;

/** Runs `each` over `items` a page at a time, one page after the other. */
async function inPages<T>(items: readonly T[], each: (page: T[]) => Promise<void>): Promise<void> {
  for (let from = 0; from < items.length; from += SWEEP_PAGE)
    await each(items.slice(from, from + SWEEP_PAGE));
}
