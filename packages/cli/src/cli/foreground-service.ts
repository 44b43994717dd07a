import { withDeadline } from '@vaultover/foundation';
import { StartupError } from '../topology/startup-error.ts';
import { listenForShutdown } from '../up/shutdown-signals.ts';
import type { Say } from './say.ts';

/** Exit code after a second stop signal, which exits at once (128 + SIGINT). */
const FORCED_EXIT_CODE = 130;

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
function closesWithin(closing: Promise<void>, ms: number): Promise<boolean> {
  return withDeadline(
    closing.then(() => true),
    ms,
    () => false,
  );
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

/** A long-lived service that a `vaultover` child command runs: a region node, a control process. */
export interface ForegroundService {
  /** For messages: `region westeurope`, `control process`. */
  what: string;
  /** The start-up step a failure is reported as: `start region westeurope`. */
  startStep: string;
  /** Started by `vaultover up` (stdin is its pipe, so EOF means the supervisor is gone), not by hand. */
  supervised: boolean;
  say: Say;
}

/**
 * Runs a service in the foreground: starts it, announces it (its ready line), serves until a stop signal
 * or, when supervised, the supervisor's death, then closes it. A second stop signal exits at once.
 * Resolves with the exit code; a failed start throws a StartupError.
 */
export async function runInForeground<S extends { close(): Promise<void> }>(
  service: ForegroundService,
  start: () => Promise<S>,
  announce: (started: S) => Promise<void>,
): Promise<number> {
  const shutdown = listenForShutdown((signal) => {
    service.say(`${signal} again: exiting now`);
    process.exit(FORCED_EXIT_CODE);
  });
  try {
    const orphaned = service.supervised ? stdinClosed() : new Promise<never>(() => {});
    let started: S;
    try {
      started = await start();
    } catch (error) {
      throw new StartupError(service.startStep, error, []);
    }
    await announce(started);
    await serveUntilStopped(
      service.what,
      { requested: shutdown.requested, orphaned },
      () => started.close(),
      service.say,
    );
    // A child with an IPC channel to its supervisor (the control process) lets it go, so that it can exit.
    if (process.connected) process.disconnect();
    return 0;
  } finally {
    shutdown.dispose();
  }
}
