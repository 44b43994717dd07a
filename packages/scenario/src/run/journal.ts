import { createWriteStream, type WriteStream } from 'node:fs';

/** One line of journal.jsonl: its kind, its time (epoch ms), and what it is. */
export type JournalEntry =
  | { readonly type: 'run'; readonly t: number; readonly [field: string]: unknown }
  | { readonly type: 'step'; readonly t: number; readonly [field: string]: unknown }
  | { readonly type: 'event'; readonly t: number; readonly [field: string]: unknown }
  | { readonly type: 'call'; readonly t: number; readonly [field: string]: unknown }
  | { readonly type: 'request'; readonly t: number; readonly [field: string]: unknown };

/**
 * journal.jsonl: every step, control event, client call and logged request of a run, one JSON object a
 * line, written as they happen (requests at the end, from the request log), so that every figure of the
 * summary can be recomputed from it.
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
