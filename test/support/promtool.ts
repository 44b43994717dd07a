import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PromtoolResult {
  ok: boolean;
  /** stdout and stderr together: promtool reports problems on either. */
  output: string;
}

/**
 * Runs Debian's promtool (package prometheus, installed by scripts/test through vo_ensure_prometheus).
 * A missing promtool fails the test with what to do, rather than skipping it.
 */
export async function promtool(args: string[], cwd: string): Promise<PromtoolResult> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd, timeout: 20_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        'promtool is not installed: run scripts/test (it installs the Debian package prometheus)',
      );
    }
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}
