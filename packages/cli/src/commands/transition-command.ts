import { EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import { type ControlClientOptions, errorOf, openControlClient } from '../control-client/control-client.ts';

/** The two forced transitions. */
export type Transition = 'failover' | 'failback';

/**
 * `vaultover failover` / `vaultover failback`: forces the transition. Exit 0 when the control process
 * accepted it, 1 with its reason when it refused (409: wrong state, or the target region unhealthy).
 */
export async function runTransition(
  transition: Transition,
  options: ControlClientOptions,
  say: Say = sayOnStderr,
): Promise<number> {
  const client = await openControlClient(options);
  const reply = await client.post(`/api/${transition}`);
  if (reply.status === 202) {
    const { epoch, jobId } = reply.body as { epoch?: number; jobId?: string };
    await writeStdout(`${transition} accepted (from epoch ${epoch}, job ${jobId})\n`);
    say('follow it with `vaultover events --follow` or `vaultover status`');
    return EXIT.ok;
  }
  const { code, message } = errorOf(reply.body);
  if (reply.status === 409) {
    say(`${transition} refused: ${message ?? code ?? 'conflict'}`);
    return EXIT.failure;
  }
  throw new ControlApiError(
    `${transition} failed (${reply.status} ${code ?? ''}): ${message ?? 'no reason given'}; see the log of vaultover up`,
    { status: reply.status, apiCode: code },
  );
}
