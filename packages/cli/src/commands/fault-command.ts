import type { FaultRuleJson } from '@vaultover/control';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import {
  type ControlClientOptions,
  type ControlReply,
  errorOf,
  openControlClient,
} from '../control-client/control-client.ts';
import { type FaultRuleFlags, faultRuleBody, flagOfMessage } from '../control-client/fault-rule-body.ts';
import { formatFaultList, formatFaultRule } from '../control-client/format-faults.ts';

/** Options every `vaultover fault …` command takes. */
export interface FaultClientOptions extends ControlClientOptions {
  /** Print the control API's JSON as it is. */
  json?: boolean | undefined;
}

/**
 * `vaultover fault add` (and `fault throttle`, which fixes the action): adds a rule and prints it as
 * stored (with its id and seed). Exit 1 with the control API's reason when it refuses the rule, 2 for
 * flags that do not fit together.
 */
export async function runFaultAdd(
  flags: FaultRuleFlags & FaultClientOptions,
  say: Say = sayOnStderr,
): Promise<number> {
  const body = faultRuleBody(flags);
  const client = await openControlClient(flags);
  const reply = await client.post('/api/faults', body);
  if (reply.status !== 201) return refused('fault add', reply, say, true);
  const rule = reply.body as FaultRuleJson;
  await writeStdout(flags.json ? json(rule) : formatFaultRule(rule));
  if (!flags.json) say(`remove it with \`vaultover fault rm ${rule.id}\``);
  return EXIT.ok;
}

/** `vaultover fault list`: the rules with their state and hits, as a table, or the JSON with `--json`. */
export async function runFaultList(options: FaultClientOptions, say: Say = sayOnStderr): Promise<number> {
  const client = await openControlClient(options);
  const reply = await client.get('/api/faults');
  if (reply.status !== 200) return refused('fault list', reply, say);
  const { value } = reply.body as { value: FaultRuleJson[] };
  await writeStdout(options.json ? json(reply.body) : formatFaultList(value));
  return EXIT.ok;
}

/** `vaultover fault rm <id>` / `fault rm --all`. Exit 1 when no rule has the id. */
export async function runFaultRemove(
  id: string | undefined,
  options: FaultClientOptions & { all?: boolean | undefined },
  say: Say = sayOnStderr,
): Promise<number> {
  if ((id === undefined) === !options.all) {
    throw new CliError('name one rule to remove (vaultover fault rm <id>), or every rule with --all', {
      exitCode: EXIT.usage,
    });
  }
  const client = await openControlClient(options);
  const reply = await client.delete(
    id === undefined ? '/api/faults' : `/api/faults/${encodeURIComponent(id)}`,
  );
  if (reply.status !== 204) return refused('fault rm', reply, say);
  const text = id === undefined ? 'removed every fault rule' : `removed fault rule ${id}`;
  await writeStdout(options.json ? json({ removed: id ?? 'all' }) : `${text}\n`);
  return EXIT.ok;
}

/**
 * A refusal of the control API (400: a bad rule, 404: no such rule) is the user's to fix: its reason,
 * and exit 1. Anything else is the control process's failure.
 */
function refused(command: string, reply: ControlReply, say: Say, namesFlags = false): number {
  const { code, message } = errorOf(reply.body);
  if (reply.status === 400 || reply.status === 404) {
    const flag = namesFlags && message ? flagOfMessage(message) : undefined;
    const reason = message ?? code ?? 'no reason given';
    say(`${command} refused: ${flag ? `${reason.replace(/\.$/, '')} (${flag})` : reason}`);
    return EXIT.failure;
  }
  throw new ControlApiError(
    `${command} failed (${reply.status} ${code ?? ''}): ${message ?? 'no reason given'}; see the log of vaultover up`,
    { status: reply.status, apiCode: code },
  );
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
