import { EventEmitter } from 'node:events';
import { ACK_CHANNEL } from '@vaultover/contract';
import { withDeadline } from '@vaultover/foundation';
import { isVaultLifecycleOperation, logKeys, VAULT_INDEX_KEY, vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { applyBatch, type Checkpoint, readCheckpoint } from './apply-batch.ts';
import { positionOf, type RawEntry, toWireEntry } from './change-entry.ts';
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
  blocking: Redis;
  command: ReplicationRedis;
}

/** Most often the primary's positions are read for status (lag) while entries keep coming. */
const POSITIONS_MS = 100;

/**
 * Pulls every vault's change stream from the primary's Redis and applies it to the secondary's, one
 * atomic script per vault per batch that also advances the vault's checkpoint. One loop: refresh (vault
 * index, positions), resync what was trimmed, one blocking XREAD over all streams, apply, acknowledge.
 * Any primary failure (error, hung read) drops both primary connections and reconnects with back-off;
 * the checkpoint on the secondary is the only progress that matters, so a restart resumes from it.
 */
export class Replicator extends EventEmitter<ReplicatorEvents> {
  readonly #options: ResolvedReplicatorOptions;
  readonly #secondary: ReplicationRedis;
  readonly #vaults = new Map<string, TrackedVault>();
  #links: PrimaryLinks | undefined;
  #linkUp = false;
  #connectedOnce = false;
  #lastError: string | null = null;
  #stopped = false;
  /** Aborted by stop() and kill(): cuts short a back-off or an idle wait. */
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #nextRefresh = 0;
  #nextPositions = 0;
  /**
   * Positions applied but not yet acknowledged on the primary (ack key → position). Sent with the next
   * read; kept until a read carried them, so that a dropped connection loses none (sync-mode writes wait
   * for them). Acknowledged after the apply: a crash in between only delays trimming.
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
    if ([...this.#vaults.values()].some((v) => !v.stopped && (v.resyncing || v.needsResync)))
      return 'resyncing';
    return this.#vaults.size === 0 ? 'idle' : 'streaming';
  }

  async #run(): Promise<void> {
    let backoff = this.#options.backoffMs;
    while (!this.#stopped) {
      try {
        const links = this.#connect();
        await this.#refresh(links);
        this.#setLink(true);
        this.#lastError = null;
        await this.#resyncTrimmed(links);
        await this.#readAndApply(links);
        backoff = this.#options.backoffMs;
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

  #connect(): PrimaryLinks {
    if (!this.#links) {
      const command = replicationRedis(this.#options.primary());
      const blocking = this.#options.primary();
      // Errors surface through the commands; without listeners ioredis would log them as unhandled.
      command.on('error', () => undefined);
      blocking.on('error', () => undefined);
      this.#links = { command, blocking };
      this.#nextRefresh = 0;
      this.#nextPositions = 0;
    }
    return this.#links;
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
   * Every POSITIONS_MS at most, the primary's position of every vault (one pipeline), for the lag in
   * status; not every iteration: under load that round trip would sit between every read and apply, and
   * once a read comes back empty the secondary is level anyway. Every refreshMs, also: the vault index
   * (new vaults are picked up here: a vault's first entries are in a stream the blocking read does not
   * name yet) and each stream's first id (trimmed below a checkpoint means resync).
   */
  async #refresh(links: PrimaryLinks): Promise<void> {
    const now = this.#options.clock.monotonicNow();
    const full = now >= this.#nextRefresh;
    if (!full && now < this.#nextPositions) return;
    this.#nextPositions = now + Math.min(POSITIONS_MS, this.#options.refreshMs);
    if (full) {
      this.#nextRefresh = now + this.#options.refreshMs;
      const names = await this.#command(links.command.zrange(VAULT_INDEX_KEY, '0', '-1'), 'vault index');
      if (this.#vaults.size === 0) names.push(...(await this.#locallyKnownVaults()));
      for (const name of names) if (!this.#vaults.has(name)) await this.#track(name);
    }
    const vaults = [...this.#vaults.values()];
    if (vaults.length === 0) return;
    const pipeline = links.command.pipeline();
    for (const v of vaults) {
      const log = logKeys(v.name);
      pipeline.get(log.position);
      pipeline.xrevrange(log.stream, '+', '-', 'COUNT', 1);
      if (full) pipeline.xrange(log.stream, '-', '+', 'COUNT', 1);
    }
    const results = await this.#command(pipeline.exec(), 'positions');
    let i = 0;
    const next = () => {
      const [error, value] = results?.[i++] ?? [new Error('no reply'), null];
      if (error) throw error;
      return value;
    };
    for (const v of vaults) {
      v.primaryPosition = Number(next() ?? 0);
      const last = (next() as RawEntry[])[0];
      if (last) v.primaryTime = Number(toWireEntry(last).t) || v.primaryTime;
      if (full) {
        const first = (next() as RawEntry[])[0];
        const behind = v.primaryPosition > v.checkpoint.position;
        // The entry right after the checkpoint is gone: trimmed (or the stream is gone altogether).
        if (behind && (!first || positionOf(first[0]) > v.checkpoint.position + 1)) v.needsResync = true;
      }
    }
  }

  /** Vaults this secondary already has checkpoints for: a vault purged (unindexed) while we were down still needs its entries. */
  async #locallyKnownVaults(): Promise<string[]> {
    const names: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#secondary.scan(
        cursor,
        'MATCH',
        'vo:{*}:repl:checkpoint',
        'COUNT',
        1000,
      );
      for (const key of keys) {
        const name = vaultOfKey(key);
        if (name !== undefined && checkpointKey(name) === key) names.push(name);
      }
      cursor = next;
    } while (cursor !== '0');
    return names;
  }

  async #track(name: string): Promise<void> {
    const checkpoint = await readCheckpoint(this.#secondary, name);
    this.#vaults.set(name, {
      name,
      checkpoint,
      primaryPosition: checkpoint.position,
      primaryTime: checkpoint.time,
      resyncing: false,
      needsResync: false,
      stopped: undefined,
    });
  }

  async #resyncTrimmed(links: PrimaryLinks): Promise<void> {
    for (const v of this.#vaults.values()) {
      if (!v.needsResync || v.stopped || this.#stopped) continue;
      v.resyncing = true;
      try {
        const result = await this.#command(
          fullResync(links.command, this.#secondary, v.name),
          'resync',
          this.#options.resyncTimeoutMs,
        );
        v.checkpoint = { position: result.position, time: result.time };
        v.needsResync = false;
        this.#resyncsTotal += 1;
        await this.#syncVaultIndex(v.name);
        await this.#command(links.command.set(ackKey(v.name, this.#options.region), result.position), 'ack');
        this.emit('resync', { vault: v.name, position: result.position, keys: result.keys });
      } finally {
        v.resyncing = false;
      }
    }
  }

  async #readAndApply(links: PrimaryLinks): Promise<void> {
    const active = [...this.#vaults.values()].filter((v) => !v.stopped && !v.needsResync);
    const { blockMs, batchSize, readTimeoutMs } = this.#options;
    // Never block past the next refresh: that is when new vaults join the read.
    // Whole milliseconds: XREAD BLOCK takes an integer, and the monotonic clock has fractions.
    const block = Math.max(
      1,
      Math.ceil(Math.min(blockMs, this.#nextRefresh - this.#options.clock.monotonicNow())),
    );
    if (active.length === 0) {
      await this.#flushAcks(links);
      await this.#options.clock.sleep(block, this.#stopping.signal);
      return;
    }
    const streams = active.map((v) => logKeys(v.name).stream);
    const ids = active.map((v) => `${v.checkpoint.position}-0`);
    // The acknowledgements of the last batch go out in the same write as the next read, on its
    // connection: one system call instead of two (they dominate the replicator's CPU on a VM).
    const acks = new Map(this.#unsentAcks);
    const pipeline = links.blocking.pipeline();
    for (const [key, position] of acks) pipeline.set(key, position);
    if (acks.size > 0) pipeline.publish(ACK_CHANNEL, this.#options.region);
    pipeline.xread('COUNT', batchSize, 'BLOCK', block, 'STREAMS', ...streams, ...ids);
    // A partition may hang the read forever: give up after the slack and reconnect.
    const results = await this.#deadline(pipeline.exec(), block + readTimeoutMs, 'blocking read');
    for (const [error] of results ?? []) if (error) throw error;
    for (const [key, position] of acks)
      if (this.#unsentAcks.get(key) === position) this.#unsentAcks.delete(key);
    const reply = results?.at(-1)?.[1] as [string, RawEntry[]][] | null;
    if (!reply) return;
    for (const [stream, raw] of reply) {
      const name = vaultOfKey(stream);
      const v = name === undefined ? undefined : this.#vaults.get(name);
      if (!v || raw.length === 0 || this.#stopped) continue;
      const entries = raw.map(toWireEntry);
      const first = entries[0]?.position ?? 0;
      if (first > v.checkpoint.position + 1) {
        v.needsResync = true; // a gap: trimmed between our checks
        continue;
      }
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
  }

  /** Sends the acknowledgements no read carried (no vault left to read). */
  async #flushAcks(links: PrimaryLinks): Promise<void> {
    if (this.#unsentAcks.size === 0) return;
    const acks = new Map(this.#unsentAcks);
    const pipeline = links.command.pipeline();
    for (const [key, position] of acks) pipeline.set(key, position);
    pipeline.publish(ACK_CHANNEL, this.#options.region);
    await this.#command(pipeline.exec(), 'acknowledge');
    for (const [key, position] of acks)
      if (this.#unsentAcks.get(key) === position) this.#unsentAcks.delete(key);
  }

  /** The secondary's vault index follows its `props` keys, as the primary's follows commits. */
  async #syncVaultIndex(name: string): Promise<void> {
    const exists = await this.#secondary.exists(`${vaultPrefix(name)}props`);
    if (exists) await this.#secondary.zadd(VAULT_INDEX_KEY, 0, name);
    else await this.#secondary.zrem(VAULT_INDEX_KEY, name);
  }
}
