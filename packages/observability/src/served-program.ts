import { type Clock, findFreePort, portInUse, systemClock } from '@vaultover/foundation';
import { ProgramStartError } from './errors.ts';
import { startTethered } from './tethered-process.ts';

/** A program that serves HTTP on a loopback port we chose, ready. */
export interface ServedProgram {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ServedProgramOptions {
  /** For messages: `prometheus`, `redis exporter for westeurope`. */
  name: string;
  /** Resolved path of the executable. */
  program: string;
  /** Its arguments, given the port it must listen on (127.0.0.1 only). */
  args(port: number): string[];
  /** Answers 200 once the program is ready (`/-/ready`, `/metrics`). */
  readyPath: string;
  startTimeoutMs: number;
  /** Secrets go to the program here (an exporter's Redis password), never on its command line. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

const READY_POLL_MS = 100;
// A free port can be taken between our asking and the program binding it.
const PORT_ATTEMPTS = 3;

/** Starts the program on a free port and resolves once `readyPath` answers 200. */
export async function startServedProgram(options: ServedProgramOptions): Promise<ServedProgram> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    try {
      return await startOnPort(options, port);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !(await portInUse(port))) throw error;
    }
  }
}

async function startOnPort(options: ServedProgramOptions, port: number): Promise<ServedProgram> {
  const clock = options.clock ?? systemClock;
  const url = `http://127.0.0.1:${port}`;
  const child = startTethered(options.program, options.args(port), options.env);
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = clock.monotonicNow() + options.startTimeoutMs;
  while (!exited && clock.monotonicNow() < deadline) {
    if (await answersOk(`${url}${options.readyPath}`)) {
      return { url, pid: await child.pid, stop: () => child.stop() };
    }
    await clock.sleep(READY_POLL_MS);
  }
  await child.stop();
  const what = exited ? 'exited before it was ready' : `was not ready within ${options.startTimeoutMs} ms`;
  throw new ProgramStartError(
    `${options.name} on port ${port} ${what}. Last lines of its output:\n${child.output}`,
  );
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false; // not listening yet
  }
}
