/**
 * Resolves when stdin reaches its end. A supervised child's stdin is a pipe whose write end only its
 * supervisor holds, so EOF means the supervisor is gone, even a SIGKILLed one.
 */
export function stdinClosed(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.stdin.once('end', done);
    process.stdin.once('close', done);
    process.stdin.once('error', done);
    process.stdin.resume();
  });
}

/** Whether `closing` settles within `ms`: an orphan must not wait long on a Redis dying with its supervisor. */
export async function closesWithin(closing: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const closed = await Promise.race([closing.then(() => true), timedOut]);
  clearTimeout(timer);
  return closed;
}

const ORPHANED = 'supervisor gone (stdin closed)';
const ORPHAN_CLOSE_MS = 1_000;

/** What a supervised child watches: stop signals, and (when supervised) its supervisor's death. */
export interface ChildStopWatch {
  /** A stop signal's name (SIGINT, SIGTERM). */
  requested: Promise<string>;
  /** From stdinClosed() when supervised; never settles otherwise. */
  orphaned: Promise<void>;
}

/**
 * Waits for a stop signal or the supervisor's death, says which, and closes the child's service. An
 * orphan's Redis is usually dying with its supervisor, so its close is not waited on for long.
 */
export async function serveUntilStopped(
  what: string,
  watch: ChildStopWatch,
  close: () => Promise<void>,
  say: (line: string) => void,
): Promise<void> {
  const reason = await Promise.race([watch.requested, watch.orphaned.then(() => ORPHANED)]);
  say(`${what}: ${reason}, stopping`);
  if (reason !== ORPHANED) await close();
  else if (!(await closesWithin(close(), ORPHAN_CLOSE_MS))) say(`${what}: close timed out`);
}
