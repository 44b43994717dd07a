import { CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error.ts';
import { buildProgram } from './program.ts';
import { sayOnStderr } from './say.ts';

/** Runs the CLI on `argv` (process.argv form) and resolves with the exit code; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await buildProgram((code) => {
      exitCode = code;
    }).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** Prints an error as one line (expected errors) or with its stack (bugs), and picks the exit code. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    sayOnStderr(error.message);
    return error.exitCode;
  }
  sayOnStderr(`unexpected error, please report it: ${error instanceof Error ? error.stack : String(error)}`);
  return EXIT.failure;
}
