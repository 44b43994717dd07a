import type { ControlStatus } from '@vaultover/control';
import { sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import {
  type ControlClient,
  type ControlClientOptions,
  type ControlReply,
  errorOf,
  openControlClient,
} from '../control-client/control-client.ts';
import { formatStatus } from '../control-client/format-status.ts';

/** Options of `vaultover status`. */
export interface StatusOptions extends ControlClientOptions {
  /** Print the control API's JSON as it is. */
  json?: boolean | undefined;
  /** Print a URL that logs a browser into the status page instead. */
  web?: boolean | undefined;
}

/** `vaultover status`: the failover state, the serving region and each region's health, as a table. */
export async function runStatus(options: StatusOptions): Promise<number> {
  const client = await openControlClient(options);
  if (options.web) return printLoginUrl(client);
  const reply = await client.get('/api/status');
  if (reply.status !== 200) throw failed(reply, 'could not report its status');
  await writeStdout(
    options.json ? `${JSON.stringify(reply.body, null, 2)}\n` : formatStatus(reply.body as ControlStatus),
  );
  return 0;
}

/**
 * `vaultover status --web`: the status page's login URL on stdout, alone on its line (a script can open
 * it), and how long it works on stderr. The URL carries a single-use token that expires within a minute
 * (docs/status-page.md).
 */
async function printLoginUrl(client: ControlClient): Promise<number> {
  const reply = await client.post('/api/login-tokens');
  if (reply.status !== 201) throw failed(reply, 'could not issue a login link');
  const { path, expiresAt } = reply.body as { path: string; expiresAt: string };
  await writeStdout(`${client.url}${path}\n`);
  sayOnStderr(
    `Open this link in a browser before ${expiresAt}; it works once. The browser must trust the ` +
      "deployment's CA (caFile in endpoints.json), or be told to accept the control process's certificate.",
  );
  return 0;
}

function failed(reply: ControlReply, what: string): ControlApiError {
  const { code, message } = errorOf(reply.body);
  return new ControlApiError(
    `the control API ${what} (${reply.status} ${code ?? ''}): ${message ?? 'no reason given'}; see the log of vaultover up`,
    { status: reply.status, apiCode: code },
  );
}
