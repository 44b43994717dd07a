import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { SERVER_NODE_FLAGS, serverProcessEnv } from '@vaultover/foundation';
import type { ChildMessage, ParentMessage } from './child-protocol.ts';

const STOP_GRACE_MS = 10_000;
const TAIL_LINES = 30;

/** How to start one bench child. */
export interface ChildSpec {
  /** Short name for messages and the prefix of forwarded stderr, e.g. `region`. */
  name: string;
  /** The child's module, which calls runAsChild. */
  entry: URL;
  config: unknown;
  /** Node flags for the child only, e.g. `--cpu-prof`. */
  execArgv?: string[];
  /**
   * A server under test (a region node, its bare twin): it runs with the Node flags and environment
   * `vaultover up` gives its nodes (foundation's SERVER_NODE_FLAGS and serverProcessEnv), before
   * `execArgv`. Default false.
   */
  server?: boolean;
  /** How long `start` may take before the child counts as failed. */
  readyTimeoutMs: number;
  /** Progress events from the child, with its pid (known before it is ready). */
  onEvent?: (event: unknown, pid: number) => void;
}

/** A child that answered `ready`. */
export interface RunningChild<Info> {
  readonly name: string;
  readonly pid: number;
  readonly info: Info;
  /**
   * Has the child run one window (its `window` handler) and resolves with what it measured; rejects if
   * it fails, exits, or takes longer than `timeoutMs`. One window at a time.
   */
  window<Result>(config: unknown, timeoutMs: number): Promise<Result>;
  /** Asks the child to close, then kills it if it has not exited in time. Idempotent. */
  stop(): Promise<void>;
}

/** Forks `spec.entry`, sends it its config and resolves once it is ready. */
export async function startChild<Info>(spec: ChildSpec): Promise<RunningChild<Info>> {
  const child = fork(spec.entry, [], {
    execArgv: [...(spec.server ? SERVER_NODE_FLAGS : []), ...(spec.execArgv ?? [])],
    env: spec.server ? { ...serverProcessEnv(), ...process.env } : process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail = followOutput(child, spec.name);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const info = await waitForReady<Info>(child, spec, tail);
    return running(spec.name, child, info, exited);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

function running<Info>(
  name: string,
  child: ChildProcess,
  info: Info,
  exited: Promise<void>,
): RunningChild<Info> {
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid ?? 0,
    info,
    window: (config, timeoutMs) => runWindow(name, child, config, timeoutMs),
    stop() {
      stopping ??= stopChild(child, exited);
      return stopping;
    },
  };
}

function runWindow<Result>(
  name: string,
  child: ChildProcess,
  config: unknown,
  timeoutMs: number,
): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      outcome();
    };
    const fail = (why: string) => settle(() => reject(new Error(`bench child '${name}' ${why}`)));
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'result') settle(() => resolve(message.result as Result));
      else if (message.type === 'failed') fail(`failed a window:\n${message.message}`);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited (${signal ?? `code ${code}`}) during a window`);
    const timer = setTimeout(() => fail(`did not finish a window within ${timeoutMs} ms`), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'window', config } satisfies ParentMessage);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function waitForReady<Info>(child: ChildProcess, spec: ChildSpec, tail: string[]): Promise<Info> {
  return new Promise<Info>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      const output = tail.length > 0 ? `\nLast lines of its output:\n${tail.join('\n')}` : '';
      reject(new Error(`bench child '${spec.name}' ${why}${output}`));
    };
    const timer = setTimeout(
      () => fail(`was not ready within ${spec.readyTimeoutMs} ms`),
      spec.readyTimeoutMs,
    );
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'event') spec.onEvent?.(message.event, child.pid ?? 0);
      else if (message.type === 'failed') fail(`failed to start:\n${message.message}`);
      else if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.info as Info);
      }
    });
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
    child.send({ type: 'start', config: spec.config } satisfies ParentMessage);
  });
}

/**
 * Keeps the last lines of the child's stdout and stderr for error messages, and forwards stderr
 * (warnings, errors) to ours, prefixed with the child's name, so problems show during long runs.
 */
function followOutput(child: ChildProcess, name: string): string[] {
  const tail: string[] = [];
  const follow = (stream: Readable | null, forward: boolean) => {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (forward) process.stderr.write(`  [${name}] ${line}\n`);
    });
  };
  follow(child.stdout, false);
  follow(child.stderr, true);
  return tail;
}
