import type { Duplex } from 'node:stream';
import { END_OF_STREAM, type ToxicStage } from './toxic.ts';

/** Byte counters of one direction; shared by all links of a proxy and read as plain data. */
export interface DirectionCounters {
  /** Bytes read from the sending side. */
  receivedBytes: number;
  /** Bytes written to the receiving side (less than received while toxics hold or swallow). */
  sentBytes: number;
}

interface StageEntry {
  readonly name: string;
  readonly stage: ToxicStage;
}

/**
 * One direction of one connection:  source > stage > stage > … > destination.
 * The stage list changes at run time, so a toxic added now acts on the very next chunk. The source's end
 * travels the stages as an empty chunk, so that a toxic delays a clean close like the bytes before it
 * (and a blackhole swallows it); it ends the destination when it arrives.
 */
export class Link {
  readonly #source: Duplex;
  readonly #destination: Duplex;
  readonly #counters: DirectionCounters;
  readonly #stages: StageEntry[] = [];
  #waitingForDrain = false;
  #detached = false;
  readonly #onData = (chunk: Buffer) => {
    // A listener removed while its event is being emitted is still called for that event.
    if (this.#detached) return;
    this.#counters.receivedBytes += chunk.length;
    this.#passFrom(-1, chunk);
  };
  readonly #onEnd = () => {
    if (!this.#detached) this.#passFrom(-1, END_OF_STREAM);
  };

  /** Whether the destination still holds a chunk `carry` wrote without copying (its source waits). */
  #lent = false;
  readonly #onLentWritten = () => {
    if (!this.#lent) return;
    this.#lent = false;
    if (!this.#detached) this.#source.resume();
  };

  /**
   * `reads`: `data` (the source's 'data' events), or `handed` for a source whose owner hands its chunks
   * in with {@link carry} (a socket that reads into a buffer of its own, `onread`). Either way the
   * source's 'end' ends the direction.
   */
  constructor(
    source: Duplex,
    destination: Duplex,
    counters: DirectionCounters,
    reads: 'data' | 'handed' = 'data',
  ) {
    this.#source = source;
    this.#destination = destination;
    this.#counters = counters;
    if (reads === 'data') source.on('data', this.#onData);
    source.once('end', this.#onEnd);
    // A source paused before (accepted paused, or handed over with bytes put back) starts flowing now.
    source.resume();
  }

  /**
   * Carries a chunk of a `handed` source: `view` lies in a buffer the source reads into again once this
   * returns true. With no stage it is written as it is; while the destination still holds it (its socket
   * did not take it at once) this returns false, the source stops reading, and the link resumes it once
   * the chunk is written. A stage may hold chunks, so with stages it carries a copy.
   */
  carry(view: Buffer): boolean {
    if (this.#detached) return true;
    if (this.#stages.length > 0) {
      this.#onData(Buffer.from(view));
      return !this.#waitingForDrain;
    }
    this.#counters.receivedBytes += view.length;
    if (this.#destination.destroyed) return true;
    this.#counters.sentBytes += view.length;
    this.#destination.write(view, this.#onLentWritten);
    // Taken at once (copied to the kernel): the callback comes later and finds nothing lent.
    if (this.#destination.writableLength === 0) return true;
    this.#lent = true;
    return false;
  }

  /** Appends a stage, or replaces the stage of that name in place after flushing it. */
  setStage(name: string, stage: ToxicStage): void {
    const index = this.#stages.findIndex((entry) => entry.name === name);
    if (index < 0) return void this.#stages.push({ name, stage });
    this.#flushAt(index);
    this.#stages[index] = { name, stage };
  }

  /** Flushes the stage's held chunks onward, then removes it. */
  removeStage(name: string): void {
    const index = this.#stages.findIndex((entry) => entry.name === name);
    if (index < 0) return;
    this.#flushAt(index);
    this.#stages.splice(index, 1);
  }

  /**
   * Stops carrying: the source is no longer read (nor resumed after a drain), every stage's timers are
   * cancelled and its held chunks dropped. For a connection that is closing, or whose bytes go elsewhere.
   */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#source.off('data', this.#onData);
    this.#source.off('end', this.#onEnd);
    for (const { stage } of this.#stages.splice(0)) stage.flush(() => {});
  }

  #flushAt(index: number): void {
    const entry = this.#stages[index];
    entry?.stage.flush((chunk) => this.#passFrom(this.#stages.indexOf(entry), chunk));
  }

  /** Hands a chunk to the stage after `index` (-1: the first), or to the destination after the last. */
  #passFrom(index: number, chunk: Buffer): void {
    const nextEntry = this.#stages[index + 1];
    if (nextEntry) {
      nextEntry.stage.push(chunk, (out) => {
        const position = this.#stages.indexOf(nextEntry);
        // A stage already removed has flushed; a late emission from it is dropped.
        if (position >= 0) this.#passFrom(position, out);
      });
      return;
    }
    if (this.#detached || this.#destination.destroyed) return;
    if (chunk.length === 0) return void this.#destination.end();
    this.#counters.sentBytes += chunk.length;
    if (!this.#destination.write(chunk) && !this.#waitingForDrain) {
      // Backpressure straight through: stop reading until the receiver drains.
      this.#waitingForDrain = true;
      this.#source.pause();
      this.#destination.once('drain', () => {
        this.#waitingForDrain = false;
        if (!this.#detached) this.#source.resume();
      });
    }
  }
}
