const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A pending request to stop, from the first SIGINT/SIGTERM/SIGHUP. */
export interface ShutdownSignals {
  /** Resolves with the first signal received. */
  readonly requested: Promise<NodeJS.Signals>;
  /** Whether a signal has arrived yet. */
  readonly received: () => boolean;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Turns the first stop signal into a graceful-stop request; a second one calls `force` (a stuck
 * shutdown must never trap the user). Installed before start-up so an early Ctrl-C still cleans up.
 */
export function listenForShutdown(force: (signal: NodeJS.Signals) => void): ShutdownSignals {
  let first: NodeJS.Signals | undefined;
  let resolveRequested: (signal: NodeJS.Signals) => void = () => {};
  const requested = new Promise<NodeJS.Signals>((resolve) => {
    resolveRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (first !== undefined) return force(signal);
    first = signal;
    resolveRequested(signal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    requested,
    received: () => first !== undefined,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
