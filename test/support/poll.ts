/**
 * Waiting without sleeping as synchronisation: poll a condition until it holds or a deadline passes.
 * Every wait for a condition in the tests under test/ goes through here. The other timers there do not
 * wait for anything: the end-to-end tests (test/e2e/) pace their load loops, pick random moments for a
 * crash, and bound how long a process may take to exit. The unit tests beside the packages have timers
 * of their own.
 */

export interface PollOptions {
  /** Give up after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Pause between attempts. Default 25 ms. */
  intervalMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; throws naming `what` after the deadline. */
export async function pollUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: PollOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(options.intervalMs ?? 25);
  }
}

/**
 * Runs `attempt` until it stops throwing (an assertion block, typically) and returns its result;
 * after the deadline rethrows the last failure, so the report shows what was still wrong.
 */
export async function eventually<T>(attempt: () => T | Promise<T>, options: PollOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`still failing after ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      }
    }
    await pause(options.intervalMs ?? 25);
  }
}
