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
