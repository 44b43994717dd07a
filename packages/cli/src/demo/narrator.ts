/** Prints the demo's story: numbered steps with their outcome and time, on a terminal or a log. */
export class Narrator {
  readonly #write: (text: string) => void;
  readonly #color: boolean;
  #step = 0;

  constructor(write: (text: string) => void, color: boolean) {
    this.#write = write;
    this.#color = color;
  }

  title(text: string): void {
    this.#write(`\n${this.#bold(text)}\n\n`);
  }

  note(text: string): void {
    this.#write(`     ${this.#dim(text)}\n`);
  }

  /**
   * Runs one step; prints `ok` with its duration, or the failure, and rethrows it. A step that waits
   * reports progress through `update`: redrawn in place on a terminal, one line per new text otherwise.
   */
  async step<T>(
    description: string,
    action: (update: (progress: string) => void) => Promise<T>,
    outcome?: (result: T) => string,
  ): Promise<T> {
    const number = String(++this.#step).padStart(2);
    const head = `  ${number}  ${description} `;
    this.#write(head);
    const started = performance.now();
    let shown = '';
    const update = (progress: string) => {
      if (progress === shown) return;
      shown = progress;
      if (this.#color) this.#write(`\r\u001b[K${head}${this.#dim(`… ${progress}`)}`);
      else this.#write(`\n       · ${progress}`);
    };
    try {
      const result = await action(update);
      const took = formatMs(performance.now() - started);
      const detail = outcome ? ` ${outcome(result)}` : '';
      this.#restart(head, shown);
      this.#write(`${this.#green('✓')}${detail} ${this.#dim(`(${took})`)}\n`);
      return result;
    } catch (error) {
      this.#restart(head, shown);
      this.#write(`${this.#red('✗')}\n`);
      throw error;
    }
  }

  /** Prints a block of text as it is (the timeline). */
  block(text: string): void {
    this.#write(`${text}\n`);
  }

  /** After progress: a terminal redraws the step's line; a log starts a new line for the result. */
  #restart(head: string, shown: string): void {
    if (shown === '') return;
    this.#write(this.#color ? `\r\u001b[K${head}` : `\n       `);
  }

  #bold = (text: string) => this.#paint(text, '1');
  #dim = (text: string) => this.#paint(text, '2');
  #green = (text: string) => this.#paint(text, '32');
  #red = (text: string) => this.#paint(text, '31');

  #paint(text: string, code: string): string {
    return this.#color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
