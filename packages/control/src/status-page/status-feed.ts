import type { Clock, Timer } from '@vaultover/foundation';
import type { Logger } from 'pino';
import type { ControlStatus } from '../api/status-report.ts';
import type { ControlEvent, EventLog } from '../events/event-log.ts';
import type { FaultRuleJson } from '../faults/fault-rule-json.ts';
import type { FiguresSample } from './region-figures.ts';

/** How often the event log is read for new events while someone watches. */
export const EVENT_POLL_MS = 250;

/** How often a status snapshot and a figures sample are sent. */
export const SNAPSHOT_MS = 1000;

/** What the status page shows besides the events: sent every SNAPSHOT_MS. */
export interface StatusSnapshot {
  /** ISO. */
  readonly at: string;
  /** As `GET /api/status` answers. */
  readonly status: ControlStatus;
  /** Every fault rule, with its live state and hits, as `GET /api/faults` answers. */
  readonly faults: readonly FaultRuleJson[];
  /** The epoch each region reported at its last good probe (null before one). */
  readonly regionEpochs: Readonly<Record<string, number | null>>;
}

/** Receives what the feed reads, as it reads it. */
export interface FeedListener {
  event(event: ControlEvent): void;
  snapshot(snapshot: StatusSnapshot, figures: FiguresSample): void;
}

export interface StatusFeedOptions {
  events: Pick<EventLog, 'list' | 'recent'>;
  /** Reads a snapshot and samples the figures. */
  read: () => Promise<{ snapshot: StatusSnapshot; figures: FiguresSample }>;
  clock: Clock;
  logger: Logger;
}

/**
 * One reader of the control events and the status for all the event streams of this control process:
 * while at least one stream is open it reads the event log every EVENT_POLL_MS (XRANGE after the last id
 * it saw) and a snapshot every SNAPSHOT_MS, on the control's clock, and hands each to every listener;
 * with none open it reads nothing. Why polling rather than a blocking XREAD: one timer drives both the
 * events and the snapshots, it stops at once (no blocked command to unstick, no connection of its own),
 * and a quarter second is well inside what a person watching needs (docs/status-page.md).
 */
export class StatusFeed {
  readonly #options: StatusFeedOptions;
  readonly #listeners = new Set<FeedListener>();
  #starting: Promise<void> | undefined;
  #timer: Timer | undefined;
  #lastId = '0-0';
  #nextSnapshotAt = 0;
  #reading = false;
  #latest: { snapshot: StatusSnapshot; figures: FiguresSample } | undefined;

  constructor(options: StatusFeedOptions) {
    this.#options = options;
  }

  /**
   * Adds a listener; once this resolves, every event appended from then on reaches it (and some appended a
   * moment before, which the caller drops by id). Returns what removes it again.
   */
  async subscribe(listener: FeedListener): Promise<() => void> {
    this.#listeners.add(listener);
    const remove = () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopReading();
    };
    try {
      this.#starting ??= this.#startReading();
      await this.#starting;
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  /** The last snapshot read, if any (what a new stream shows first). */
  latest(): { snapshot: StatusSnapshot; figures: FiguresSample } | undefined {
    return this.#latest;
  }

  /** Stops reading and forgets every listener (the control process stops). */
  close(): void {
    this.#listeners.clear();
    this.#stopReading();
  }

  async #startReading(): Promise<void> {
    const [newest] = await this.#options.events.recent(1);
    // Everyone may have left while the read was under way; a later subscriber starts again.
    if (this.#timer || this.#listeners.size === 0) return;
    this.#lastId = newest?.id ?? '0-0';
    this.#nextSnapshotAt = 0;
    this.#timer = this.#options.clock.setInterval(() => void this.#read(), EVENT_POLL_MS);
    void this.#read();
  }

  #stopReading(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#starting = undefined;
  }

  async #read(): Promise<void> {
    // A read slower than the interval (a busy Redis) is not overtaken by the next one.
    if (this.#reading) return;
    this.#reading = true;
    const { events, read, clock, logger } = this.#options;
    try {
      for (const event of await events.list({ since: this.#lastId })) {
        this.#lastId = event.id;
        for (const listener of this.#listeners) listener.event(event);
      }
      if (clock.monotonicNow() >= this.#nextSnapshotAt) {
        this.#nextSnapshotAt = clock.monotonicNow() + SNAPSHOT_MS;
        const latest = await read();
        this.#latest = latest;
        for (const listener of this.#listeners) listener.snapshot(latest.snapshot, latest.figures);
      }
    } catch (error) {
      // The next read tries again; the page shows how old its snapshot is meanwhile.
      logger.warn({ err: error }, 'the status feed could not read the control Redis');
    } finally {
      this.#reading = false;
    }
  }
}
