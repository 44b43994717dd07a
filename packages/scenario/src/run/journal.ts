import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * The kinds of journal line: the run's start, a step's outcome, a control event, a client call, a
 * replication lag sample, and at the end the control's failover record, each request the regions
 * logged, each acknowledged write found missing, and the count of writes checked.
 */
export const JOURNAL_TYPES = [
  'run',
  'step',
  'event',
  'call',
  'replication',
  'failover',
  'request',
  'missing-write',
  'writes-checked',
] as const;

/** One line of journal.jsonl: its kind, its time (epoch ms), and what it is. */
export interface JournalEntry {
  readonly type: (typeof JOURNAL_TYPES)[number];
  readonly t: number;
  readonly [field: string]: unknown;
}

/**
 * journal.jsonl: every step, control event, client call and lag sample of a run, as they happen, then
 * what the end of the run read (the failover record, the request log, the writes checked), one JSON
 * object a line, so that every figure of the summary can be recomputed from it.
 */
export class Journal {
  readonly #out: WriteStream;

  constructor(path: string) {
    this.#out = createWriteStream(path, { flags: 'w' });
  }

  write(entry: JournalEntry): void {
    this.#out.write(`${JSON.stringify(entry)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
