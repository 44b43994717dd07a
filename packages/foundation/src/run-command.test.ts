import { describe, expect, it } from 'vitest';
import { CommandFailedError, runCommand } from './run-command.ts';

describe('runCommand', () => {
  it('resolves with what the program printed, its arguments passed without a shell', async () => {
    expect(
      await runCommand(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$HOME; x']),
    ).toBe('$HOME; x');
  });

  it('rejects with the exit status and the command line when the program fails', async () => {
    const failure = runCommand(process.execPath, ['-e', 'process.exit(3)']);
    await expect(failure).rejects.toBeInstanceOf(CommandFailedError);
    await expect(failure).rejects.toMatchObject({ code: 'CommandFailed', exitCode: 3 });
  });

  it('rejects without an exit status when the program does not exist', async () => {
    await expect(runCommand('/nonexistent/vaultover-no-such-program', [])).rejects.toMatchObject({
      code: 'CommandFailed',
      exitCode: null,
    });
  });
});
