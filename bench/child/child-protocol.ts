// The few messages the bench orchestrator and its child processes (servers under test, load
// generator) exchange over the IPC channel of `fork`. Children run in their own process so that,
// on a small machine, the server and the load generator do not share one event loop or core.

/** Parent to child. */
export type ParentMessage =
  | { type: 'start'; config: unknown }
  | { type: 'window'; config: unknown }
  | { type: 'stop' };

/** Child to parent. */
export type ChildMessage =
  | { type: 'ready'; info: unknown }
  | { type: 'event'; event: unknown }
  | { type: 'result'; result: unknown }
  | { type: 'failed'; message: string };

/** What a child's start function hands back: what to tell the parent, and how to shut down. */
export interface Started<Info> {
  info: Info;
  close(): Promise<void>;
  /**
   * For a child that measures several windows once it is ready: runs one (its config from the parent)
   * and resolves with what it measured. Started once and asked many times, the child pays its start-up
   * and warm-up once, so that windows of two children can alternate closely.
   */
  window?: (config: unknown, emit: (event: unknown) => void) => Promise<unknown>;
}

/** Starts the child's work from the parent's config; `emit` sends progress events meanwhile. */
export type StartFunction<Config, Info> = (
  config: Config,
  emit: (event: unknown) => void,
) => Promise<Started<Info>>;

/**
 * Runs this process as a bench child: waits for `start`, answers `ready` (or `failed`), and on
 * `stop` closes and exits. Exiting through process.exit (not a signal) lets `--cpu-prof` write
 * its profile. Losing the parent ends the child too, so an interrupted run leaves nothing behind.
 */
export function runAsChild<Config, Info>(start: StartFunction<Config, Info>): void {
  if (!process.send) throw new Error('this module is a bench child: start it with child_process.fork');
  let started: Started<Info> | undefined;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') {
      start(message.config as Config, (event) => send({ type: 'event', event })).then(
        (result) => {
          started = result;
          send({ type: 'ready', info: result.info });
        },
        (error: unknown) => send({ type: 'failed', message: describe(error) }),
      );
    } else if (message.type === 'window') {
      const run = started?.window;
      const emit = (event: unknown) => send({ type: 'event', event });
      (run ? run(message.config, emit) : Promise.reject(new Error('this child runs no windows'))).then(
        (result) => send({ type: 'result', result }),
        (error: unknown) => send({ type: 'failed', message: describe(error) }),
      );
    } else if (message.type === 'stop') {
      void stop(started);
    }
  });
}

async function stop(started: Started<unknown> | undefined): Promise<void> {
  try {
    await started?.close();
  } finally {
    process.exit(0);
  }
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
