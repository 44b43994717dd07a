import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Keeps the last lines a child printed, for error messages, and reports lines to a callback. */
export class OutputTail {
  readonly #lines: string[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Reads the stream to its end, line by line. Reading must never stop while the child lives: a full pipe
   * would block redis's logging and so redis itself.
   */
  follow(stream: Readable, onLine: (line: string) => void): void {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      this.#lines.push(line);
      if (this.#lines.length > this.#limit) this.#lines.shift();
      onLine(line);
    });
  }

  includes(text: string): boolean {
    return this.#lines.some((line) => line.includes(text));
  }

  toString(): string {
    return this.#lines.length > 0 ? this.#lines.map((line) => `  | ${line}`).join('\n') : '  (no output)';
  }
}
