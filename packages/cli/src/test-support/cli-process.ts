import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Endpoints } from '../topology/endpoints.ts';
import { inNetns } from '../topology/netns-command.ts';

/** The CLI entry point, run as users run it. */
export const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** A running `node main.ts …` child with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line starting with `prefix`; rejects on exit or after `timeoutMs`. */
  waitForLine(prefix: string, timeoutMs: number): Promise<string>;
}

/**
 * Starts the CLI in `cwd` with `env` added to this process's environment; in the Linux network namespace
 * `netns` when given (`ip netns exec`, root only).
 */
export function startCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  options: { netns?: string } = {},
): CliProcess {
  const [file, ...rest] = inNetns([process.execPath, MAIN, ...args], options.netns);
  const child = spawn(file, rest, { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine: (prefix, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((candidate) => candidate.startsWith(prefix));
          if (line !== undefined) finish(() => resolve(line));
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms; stderr:\n${stderr}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        void exited.then((code) =>
          finish(() => reject(new Error(`exited with ${code}; stderr:\n${stderr}`))),
        );
        check();
      }),
  };
}

/** Runs the CLI to completion. */
export async function runCliProcess(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, cwd, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A `vaultover up` of a test, serving. */
export interface RunningUp {
  readonly process: CliProcess;
  /** What its ready line said. */
  readonly endpoints: Endpoints;
  /** Ctrl-C, as a user stops it; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `vaultover up` in `cwd` with a config of its own (data under `cwd/state`, warnings only,
 * embedded Redis, then the YAML of `extraConfig`) and resolves once it prints its ready line.
 */
export async function startUp(cwd: string, timeoutMs = 60_000, extraConfig = ''): Promise<RunningUp> {
  await writeFile(
    join(cwd, 'vaultover.yaml'),
    `dataDir: ${join(cwd, 'state')}\nlogLevel: warn\n${extraConfig}`,
  );
  const up = startCli(['up', '--config', 'vaultover.yaml'], cwd, { VAULTOVER_REDIS: 'embedded' });
  const line = await up.waitForLine('vaultover ready ', timeoutMs);
  return {
    process: up,
    endpoints: JSON.parse(line.slice('vaultover ready '.length)) as Endpoints,
    async stop() {
      if (up.child.exitCode !== null) return;
      up.child.kill('SIGINT');
      await up.exited;
    },
  };
}
