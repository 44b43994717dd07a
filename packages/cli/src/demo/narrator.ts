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

  /** Runs one step; prints `ok` with its duration, or the failure, and rethrows it. */
  async step<T>(description: string, action: () => Promise<T>, outcome?: (result: T) => string): Promise<T> {
    const number = String(++this.#step).padStart(2);
    this.#write(`  ${number}  ${description} `);
    const started = performance.now();
    try {
      const result = await action();
      const took = formatMs(performance.now() - started);
      const detail = outcome ? ` ${outcome(result)}` : '';
      this.#write(`${this.#green('✓')}${detail} ${this.#dim(`(${took})`)}\n`);
      return result;
    } catch (error) {
      this.#write(`${this.#red('✗')}\n`);
      throw error;
    }
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
