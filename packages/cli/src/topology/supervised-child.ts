import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS, serverProcessEnv } from '@vaultover/foundation';
import type { CliError } from '../cli/cli-error.ts';
import { inNetns } from './netns-command.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const STDERR_TAIL_LINES = 15;

/** A `vaultover <command>` child of the supervisor, with piped stdio. */
export type SupervisedChild = ChildProcess & { stdin: NonNullable<ChildProcess['stdin']> } & {
  stdout: Readable;
  stderr: Readable;
};

/** Options of {@link spawnSupervised}. */
export interface SpawnOptions {
  /** Arguments after `main.ts`, e.g. ['region', '--name', 'westeurope']. */
  args: string[];
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** Open a Node IPC channel (`process.send` in the child). */
  ipc?: boolean;
  /** The Linux network namespace to run it in (`ip netns exec <netns> node …`; root only). */
  netns?: string | undefined;
}

/**
 * Runs `node main.ts …` as a supervised child: stdin is a pipe whose EOF tells the child its supervisor
 * is gone, stdout carries its ready line, stderr (its log) is passed through to ours. The children are
 * servers (a region node, the control process): they run with a server's Node flags and environment.
 */
export function spawnSupervised(options: SpawnOptions): { child: SupervisedChild; tail: () => string[] } {
  const [file, ...args] = inNetns(
    [process.execPath, ...SERVER_NODE_FLAGS, MAIN, ...options.args],
    options.netns,
  );
  const child = spawn(file, args, {
    env: { ...serverProcessEnv(), ...process.env, ...options.env },
    stdio: options.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which then stops
    // the children in order instead of every process racing to exit at once.
    detached: true,
  }) as SupervisedChild;
  return { child, tail: stderrTail(child) };
}

/** Passes the child's stderr through and keeps its last lines for error messages. */
function stderrTail(child: SupervisedChild): () => string[] {
  const lines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    process.stderr.write(`${line}\n`);
    lines.push(line);
    if (lines.length > STDERR_TAIL_LINES) lines.shift();
  });
  return () => [...lines];
}

/** What {@link waitForReady} needs to know about the child it waits for. */
export interface ReadyWait {
  /** `region westeurope`, `the control process`: as the child's own "could not start …" line says. */
  what: string;
  /** Prefix of the ready line on stdout; the rest is JSON. */
  prefix: string;
  timeoutMs: number;
  tail: () => string[];
  /** Wraps a failure message in the caller's error type. */
  error: (message: string) => CliError;
}

/** Resolves with the JSON of the child's ready line; rejects when it exits, fails or takes too long. */
export function waitForReady<T>(child: SupervisedChild, wait: ReadyWait): Promise<T> {
  return new Promise((resolve, reject) => {
    const stdout = createInterface({ input: child.stdout });
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      stdout.off('line', onLine);
      child.off('exit', onExit);
      child.off('error', onError);
      settle();
    };
    const onLine = (line: string) => {
      if (!line.startsWith(wait.prefix)) return;
      finish(() => {
        try {
          resolve(JSON.parse(line.slice(wait.prefix.length)) as T);
        } catch {
          reject(wait.error(`unreadable ready line from ${wait.what}: ${line}`));
        }
      });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // Let the last stderr lines arrive before quoting them.
      setImmediate(() => finish(() => reject(exitedError(wait, code, signal))));
    };
    const onError = (error: Error) =>
      finish(() => reject(wait.error(`could not run ${wait.what}: ${error.message}`)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(wait.error(`${wait.what} not ready within ${wait.timeoutMs} ms${quote(wait.tail())}`)),
        ),
      wait.timeoutMs,
    );
    stdout.on('line', onLine);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** The child's own one-line reason when it gave one, else its exit status and last output. */
function exitedError(wait: ReadyWait, code: number | null, signal: NodeJS.Signals | null): CliError {
  const lines = wait.tail();
  const prefix = `vaultover: could not start ${wait.what}: `;
  const reason = lines.findLast((line) => line.startsWith(prefix));
  if (reason !== undefined) return wait.error(reason.slice(prefix.length));
  return wait.error(`${wait.what} exited (${signal ?? `code ${code}`}) before it was ready${quote(lines)}`);
}

function quote(lines: string[]): string {
  return lines.length === 0 ? ' and printed nothing' : `; its last output:\n  ${lines.join('\n  ')}`;
}

/** Whether the child has exited (or was never started). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once the child has exited (at once when it has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * SIGTERM, then SIGKILL after `timeoutMs`. Resolves true when it exited within the grace period (or
 * had already exited), false when it had to be killed.
 */
export async function terminate(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return true;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (graceful) return true;
  child.kill('SIGKILL');
  await exited;
  return false;
}

/** SIGKILL, as a crash would: no chance to clean up. Resolves once it is gone. */
export async function killNow(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = exitOf(child);
  child.kill('SIGKILL');
  await exited;
}
