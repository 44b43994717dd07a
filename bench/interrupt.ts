// Ctrl-C during a long run must not leave temp directories behind: child processes and Redis
// already end with us (IPC disconnect, the Redis wrapper), but files need someone to remove them.

const cleanups = new Set<() => Promise<void>>();

/** Runs `cleanup` if the run is interrupted; call the returned function once it is no longer needed. */
export function cleanupOnInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** On SIGINT or SIGTERM: runs the registered cleanups, then exits 130. */
export function installInterruptHandler(say: (message: string) => void): void {
  const onSignal = () => {
    say('interrupted: stopping servers and removing temp files…');
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
