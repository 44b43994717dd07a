import { logKeys, type SimulatedClock, vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { canonical, dumpKeys } from './redis-dump.ts';

/** One change entry of a vault's log, parsed. */
export interface ChangeEntry {
  id: string;
  v: string;
  op: string;
  t: string;
  keys: string[];
  ops: unknown[][];
}

/** What must stay unchanged when nothing may be written. */
interface Snapshot {
  log: ChangeEntry[];
  state: string;
  position: number;
}

/**
 * Reading, replaying and checking a vault's change log at the store level: `db` holds the vault,
 * `replica` (another database of the same server) is where entries are replayed.
 */
export class ChangeLogProbe {
  readonly #db: Redis;
  readonly #replica: Redis;
  readonly #clock: SimulatedClock;

  constructor(db: Redis, replica: Redis, clock: SimulatedClock) {
    this.#db = db;
    this.#replica = replica;
    this.#clock = clock;
  }

  async entries(vault: string): Promise<ChangeEntry[]> {
    const raw = await this.#db.xrange(logKeys(vault).stream, '-', '+');
    return raw.map(([id, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
      return {
        id,
        v: record.v ?? '',
        op: record.op ?? '',
        t: record.t ?? '',
        keys: JSON.parse(record.keys ?? '[]') as string[],
        ops: JSON.parse(record.ops ?? '[]') as unknown[][],
      };
    });
  }

  async position(vault: string): Promise<number> {
    return Number((await this.#db.get(logKeys(vault).position)) ?? 0);
  }

  /** The vault's keys except its log and position, with the vault prefix stripped. */
  async stateOf(client: Redis, vault: string): Promise<string> {
    const log = logKeys(vault);
    const dumps = await dumpKeys(client, `${vaultPrefix(vault)}*`);
    return canonical(
      dumps.filter((d) => d.key !== log.stream && d.key !== log.position),
      vaultPrefix(vault),
    );
  }

  /** Applies every entry's ops, in order, to the vault's (emptied) keyspace in the replica. */
  async replay(vault: string): Promise<void> {
    const prefix = vaultPrefix(vault);
    const stale = (await dumpKeys(this.#replica, `${prefix}*`)).map((d) => d.key);
    if (stale.length > 0) await this.#replica.del(...stale);
    for (const entry of await this.entries(vault)) {
      const key = (index: unknown) => {
        const relative = entry.keys[index as number];
        if (relative === undefined)
          throw new Error(`entry ${entry.id} names key index ${index} it does not have`);
        return prefix + relative;
      };
      for (const [kind, index, ...args] of entry.ops) {
        const [a, b] = args as string[];
        if (kind === 'hset') await this.#replica.hset(key(index), a as string, b as string);
        else if (kind === 'hdel') await this.#replica.hdel(key(index), a as string);
        else if (kind === 'del') await this.#replica.del(key(index));
        else if (kind === 'zadd') await this.#replica.zadd(key(index), 0, a as string);
        else if (kind === 'zrem') await this.#replica.zrem(key(index), a as string);
        else if (kind === 'set') await this.#replica.set(key(index), a as string);
        else throw new Error(`entry ${entry.id} has an unknown op ${String(kind)}`);
      }
    }
  }

  /** Replaying the log from scratch gives the vault's state byte for byte. */
  async expectReplayReproduces(vault: string): Promise<void> {
    await this.replay(vault);
    const original = await this.stateOf(this.#db, vault);
    expect(original).not.toBe('');
    expect(await this.stateOf(this.#replica, vault)).toBe(original);
  }

  /** Runs one mutation; checks it appended exactly one well-formed entry carrying the new state. */
  async expectOneEntry<T>(
    vault: string,
    op: string,
    action: () => Promise<T>,
  ): Promise<{ result: T; entry: ChangeEntry }> {
    const before = await this.entries(vault);
    const positionBefore = await this.position(vault);
    const earliest = this.#clock.now();
    const result = await action();
    const after = await this.entries(vault);
    expect(after.length, `${op} appends exactly one entry`).toBe(before.length + 1);
    const entry = after.at(-1) as ChangeEntry;
    expect(entry.op).toBe(op);
    expect(entry.v).toBe('1');
    expect(entry.id).toBe(`${positionBefore + 1}-0`);
    expect(await this.position(vault)).toBe(positionBefore + 1);
    expect(Number(entry.t)).toBeGreaterThanOrEqual(earliest);
    expect(Number(entry.t)).toBeLessThanOrEqual(this.#clock.now());
    expect(entry.ops.length).toBeGreaterThan(0);
    await this.expectReplayReproduces(vault);
    return { result, entry };
  }

  /** Runs something that must not write (a read, or a refused mutation): state, log and position stay. */
  async expectNothingWritten(vault: string, action: () => Promise<unknown>): Promise<void> {
    const before = await this.#snapshot(vault);
    await action().catch(() => undefined);
    await this.#expectUnchanged(vault, before);
  }

  /** Runs a mutation that must be refused with `status`: state, log and position stay. */
  async expectRefused(vault: string, status: number, action: () => Promise<unknown>): Promise<void> {
    const before = await this.#snapshot(vault);
    await expect(action()).rejects.toMatchObject({ status });
    await this.#expectUnchanged(vault, before);
  }

  async #snapshot(vault: string): Promise<Snapshot> {
    return {
      log: await this.entries(vault),
      state: await this.stateOf(this.#db, vault),
      position: await this.position(vault),
    };
  }

  async #expectUnchanged(vault: string, before: Snapshot): Promise<void> {
    expect(await this.entries(vault)).toEqual(before.log);
    expect(await this.stateOf(this.#db, vault)).toBe(before.state);
    expect(await this.position(vault)).toBe(before.position);
  }
}

/** The value an entry writes into hash field `field` (the state it carries). */
export function writtenField(entry: ChangeEntry, field: string): string {
  const hset = entry.ops.find((op) => op[0] === 'hset' && op[2] === field) as
    | [string, number, string, string]
    | undefined;
  if (!hset) throw new Error(`entry ${entry.op} writes no field ${field}`);
  return hset[3];
}

/** The JSON document an entry writes into hash field `field`. */
export function writtenDocument(entry: ChangeEntry, field: string): unknown {
  return JSON.parse(writtenField(entry, field));
}
