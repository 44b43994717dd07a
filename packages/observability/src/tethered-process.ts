import { type ChildProcess, spawn } from 'node:child_process';
import { OutputTail, withDeadline } from '@vaultover/foundation';

const PID_LINE_PREFIX = 'vaultover-child-pid ';
const STOP_GRACE_MS = 5_000;

/**
 * /bin/sh script that runs "$@" and ties its life to ours: Node holds the write end of the script's
 * stdin, so when Node dies for any reason (even SIGKILL) the watcher reads EOF and stops the program. A
 * Prometheus left behind would keep a port and its data directory's lock. stdin is copied to fd 3
 * first because dash gives a background job /dev/null as stdin. The watcher is killed when the program
 * exits on its own, so it never signals a reused pid.
 */
const TETHER_SCRIPT = `
exec 3<&0
"$@" 3<&- </dev/null &
pid=$!
stopping=
trap 'stopping=1; kill -TERM "$pid" 2>/dev/null' TERM INT HUP
( while read -r _; do :; done; kill -TERM "$pid" 2>/dev/null ) <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
echo "${PID_LINE_PREFIX}$pid"
wait "$pid"; status=$?
if [ -n "$stopping" ]; then wait "$pid"; fi
kill "$watcher" 2>/dev/null
exit "$status"
`;

/** A program started through the tether, whose output is kept for error messages. */
export interface TetheredProcess {
  /** The program's own pid, once the tether reported it. */
  readonly pid: Promise<number>;
  /** Resolves once the program and its tether are gone. */
  readonly exited: Promise<void>;
  /** The last lines it printed. */
  readonly output: OutputTail;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** Starts `program` with `args`, tied to this process's life. */
export function startTethered(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): TetheredProcess {
  // Own process group: a Ctrl-C in the terminal reaches `vaultover up`, which stops us in order.
  const child = spawn('/bin/sh', ['-c', TETHER_SCRIPT, 'vaultover-tether', program, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env,
  });
  const output = new OutputTail(20);
  let pid: number | null = null;
  let reportPid: (pid: number) => void = () => {};
  const pidReported = new Promise<number>((resolve) => {
    reportPid = resolve;
  });
  const onLine = (line: string) => {
    if (pid === null && line.startsWith(PID_LINE_PREFIX)) {
      pid = Number(line.slice(PID_LINE_PREFIX.length));
      reportPid(pid);
    }
  };
  if (child.stdout) output.follow(child.stdout, onLine);
  if (child.stderr) output.follow(child.stderr, onLine);
  // 'close' waits for every holder of the output pipes, the program included: after it, it is gone.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => child.stdin?.destroy());
  let stopping: Promise<void> | undefined;
  return {
    pid: pidReported,
    exited,
    output,
    stop: () => {
      stopping ??= stopChild(child, () => pid, exited);
      return stopping;
    },
  };
}

async function stopChild(
  child: ChildProcess,
  pid: () => number | null,
  exited: Promise<void>,
): Promise<void> {
  signal(pid(), 'SIGTERM');
  // Before the pid line, closing stdin makes the watcher stop the program.
  child.stdin?.end();
  if ((await withDeadline(exited, STOP_GRACE_MS, () => 'still running' as const)) !== 'still running') return;
  signal(pid(), 'SIGKILL');
  child.kill('SIGKILL');
  await exited;
}

function signal(pid: number | null, name: NodeJS.Signals): void {
  if (pid === null) return;
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
