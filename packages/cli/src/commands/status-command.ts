import type { ControlStatus } from '@vaultover/control';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import { type ControlClientOptions, errorOf, openControlClient } from '../control-client/control-client.ts';
import { formatStatus } from '../control-client/format-status.ts';

/** Options of `vaultover status`. */
export interface StatusOptions extends ControlClientOptions {
  /** Print the control API's JSON as it is. */
  json?: boolean | undefined;
}

/** `vaultover status`: the failover state, the serving region and each region's health, as a table. */
export async function runStatus(options: StatusOptions): Promise<number> {
  const client = await openControlClient(options);
  const reply = await client.get('/api/status');
  if (reply.status !== 200) {
    const { code, message } = errorOf(reply.body);
    throw new ControlApiError(
      `the control API could not report its status (${reply.status} ${code ?? ''}): ${message ?? 'no reason given'}; see the log of vaultover up`,
      { status: reply.status, apiCode: code },
    );
  }
  await writeStdout(
    options.json ? `${JSON.stringify(reply.body, null, 2)}\n` : formatStatus(reply.body as ControlStatus),
  );
  return 0;
}
