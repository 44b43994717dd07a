import type { ControlEvent } from '@vaultover/control';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import {
  type ControlClient,
  type ControlClientOptions,
  errorOf,
  openControlClient,
} from '../control-client/control-client.ts';
import { formatEvent } from '../control-client/format-event.ts';
import { listenForShutdown } from '../up/shutdown-signals.ts';

/** Options of `vaultover events`. */
export interface EventsOptions extends ControlClientOptions {
  /** Keep printing new events until Ctrl-C. */
  follow?: boolean | undefined;
  /** Only events after this id. */
  since?: string | undefined;
  /** At most this many (per request). */
  limit?: number | undefined;
  /** How often --follow asks for new events. Default 500. */
  pollMs?: number | undefined;
}

/** `vaultover events`: one line per event (time, kind, details), oldest first; `--follow` keeps going. */
export async function runEvents(options: EventsOptions): Promise<number> {
  const client = await openControlClient(options);
  const pollMs = options.pollMs ?? 500;
  let since = options.since;
  const printBatch = async () => {
    const events = await fetchEvents(client, since, options.limit);
    if (events.length > 0) await writeStdout(events.map((event) => `${formatEvent(event)}\n`).join(''));
    since = events.at(-1)?.id ?? since;
  };
  await printBatch();
  if (!options.follow) return 0;
  const shutdown = listenForShutdown(() => process.exit(130));
  try {
    while (!shutdown.received()) {
      // Polled: the control API has no push; a new event shows within one interval.
      await Promise.race([new Promise((resolve) => setTimeout(resolve, pollMs)), shutdown.requested]);
      if (!shutdown.received()) await printBatch();
    }
    return 0;
  } finally {
    shutdown.dispose();
  }
}

async function fetchEvents(
  client: ControlClient,
  since: string | undefined,
  limit: number | undefined,
): Promise<ControlEvent[]> {
  const query = new URLSearchParams();
  if (since !== undefined) query.set('since', since);
  if (limit !== undefined) query.set('limit', String(limit));
  const text = query.toString();
  const reply = await client.get(`/api/events${text === '' ? '' : `?${text}`}`);
  if (reply.status !== 200) {
    const { code, message } = errorOf(reply.body);
    throw new ControlApiError(
      `could not read the events (${reply.status} ${code ?? ''}): ${message ?? 'no reason given'}`,
      {
        status: reply.status,
        apiCode: code,
      },
    );
  }
  return (reply.body as { value: ControlEvent[] }).value;
}
