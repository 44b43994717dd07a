import { CLIENT_LINK_NAME } from '@vaultover/control';
import type { ProxyView, ToxicConfig } from '@vaultover/link-proxy';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { ControlApiError } from '../control-client/control-api-error.ts';
import {
  type ControlClient,
  type ControlClientOptions,
  type ControlReply,
  openControlClient,
} from '../control-client/control-client.ts';
import { formatLinkList, toxicOf } from '../control-client/format-links.ts';

/** Options every `vaultover link …` command takes. */
export interface LinkClientOptions extends ControlClientOptions {
  json?: boolean | undefined;
}

/** Flags of `vaultover link <name> toxic add <type>`: the toxic's fields, toxiproxy's attribute names. */
export interface ToxicFlags {
  name?: string | undefined;
  stream?: string | undefined;
  toxicity?: number | undefined;
  latency?: number | undefined;
  jitter?: number | undefined;
  rate?: number | undefined;
  timeout?: number | undefined;
}

/** The attribute flags each toxic type takes. */
const ATTRIBUTES: Readonly<Record<string, readonly (keyof ToxicFlags)[]>> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  blackhole: [],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
};
const ATTRIBUTE_FLAGS = ['latency', 'jitter', 'rate', 'timeout'] as const;

/** One toxiproxy-shaped API: the control API's `/api/links`, or the replication links' own. */
interface LinkApi {
  send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlReply>;
}

/** `vaultover link list`: every link of the deployment, its toxics included. */
export async function runLinkList(options: LinkClientOptions, say: Say = sayOnStderr): Promise<number> {
  const links = await allLinks(await openControlClient(options));
  const views = links.map((link) => link.view);
  await writeStdout(
    options.json
      ? json(Object.fromEntries(views.map((view) => [view.name, view])))
      : formatLinkList(views, CLIENT_LINK_NAME),
  );
  if (!options.json) say(`add a toxic with \`vaultover link <name> toxic add <type>\` (docs/chaos.md)`);
  return EXIT.ok;
}

/** `vaultover link <name> toxic add <type>`: adds a toxic; it acts at once on the link's open connections. */
export async function runToxicAdd(
  linkName: string,
  type: string,
  flags: ToxicFlags & LinkClientOptions,
  say: Say = sayOnStderr,
): Promise<number> {
  const body = toxicBody(type, flags);
  const { api } = await linkNamed(await openControlClient(flags), linkName);
  const reply = await api.send('POST', `/proxies/${encodeURIComponent(linkName)}/toxics`, body);
  if (reply.status !== 200) return refused('link toxic add', reply, say);
  const toxic = reply.body as ToxicConfig;
  await writeStdout(flags.json ? json(toxic) : `added to ${linkName}: ${toxicOf(toxic)}\n`);
  if (!flags.json) say(`remove it with \`vaultover link ${linkName} toxic rm ${toxic.name}\``);
  return EXIT.ok;
}

/** `vaultover link <name> toxic rm <toxic>` / `… toxic rm --all`. */
export async function runToxicRemove(
  linkName: string,
  toxicName: string | undefined,
  options: LinkClientOptions & { all?: boolean | undefined },
  say: Say = sayOnStderr,
): Promise<number> {
  if ((toxicName === undefined) === !options.all) {
    throw new CliError(
      `name one toxic to remove (vaultover link ${linkName} toxic rm <toxic>), or every toxic with --all`,
      { exitCode: EXIT.usage },
    );
  }
  const { api, view } = await linkNamed(await openControlClient(options), linkName);
  const names = toxicName === undefined ? view.toxics.map((toxic) => toxic.name) : [toxicName];
  for (const name of names) {
    const path = `/proxies/${encodeURIComponent(linkName)}/toxics/${encodeURIComponent(name)}`;
    const reply = await api.send('DELETE', path);
    if (reply.status !== 204) return refused('link toxic rm', reply, say);
  }
  const text =
    toxicName === undefined
      ? `removed every toxic of ${linkName} (${names.length})`
      : `removed toxic ${toxicName} from ${linkName}`;
  await writeStdout(options.json ? json({ link: linkName, removed: names }) : `${text}\n`);
  return EXIT.ok;
}

/** `vaultover link <name> enable|disable`: a disabled link refuses connections and drops the open ones. */
export async function runLinkEnable(
  linkName: string,
  enabled: boolean,
  options: LinkClientOptions,
  say: Say = sayOnStderr,
): Promise<number> {
  const { api } = await linkNamed(await openControlClient(options), linkName);
  const reply = await api.send('POST', `/proxies/${encodeURIComponent(linkName)}`, { enabled });
  if (reply.status !== 200) return refused(`link ${enabled ? 'enable' : 'disable'}`, reply, say);
  await writeStdout(options.json ? json(reply.body) : `${linkName} ${enabled ? 'enabled' : 'disabled'}\n`);
  return EXIT.ok;
}

/** The toxic's JSON from the flags; attribute flags the type does not take are a usage error. */
export function toxicBody(type: string, flags: ToxicFlags): Record<string, unknown> {
  const allowed = ATTRIBUTES[type];
  if (!allowed) {
    throw new CliError(`unknown toxic type ${type} (known: ${Object.keys(ATTRIBUTES).join(', ')})`, {
      exitCode: EXIT.usage,
    });
  }
  const attributes: Record<string, number> = {};
  for (const flag of ATTRIBUTE_FLAGS) {
    const value = flags[flag];
    if (value === undefined) continue;
    if (!allowed.includes(flag)) {
      const takes = allowed.length === 0 ? 'no attribute flags' : allowed.map((a) => `--${a}`).join(', ');
      throw new CliError(`--${flag} does not apply to a ${type} toxic (it takes ${takes})`, {
        exitCode: EXIT.usage,
      });
    }
    attributes[flag] = value;
  }
  return {
    type,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.stream === undefined ? {} : { stream: flags.stream }),
    ...(flags.toxicity === undefined ? {} : { toxicity: flags.toxicity }),
    attributes,
  };
}

interface LinkEntry {
  readonly api: LinkApi;
  readonly view: ProxyView;
}

/** The client link (control API) first, then the replication links (their own API). */
async function allLinks(client: ControlClient): Promise<LinkEntry[]> {
  const apis: LinkApi[] = [controlLinks(client)];
  if (client.replicationLinks) apis.push(client.replicationLinks);
  const entries: LinkEntry[] = [];
  for (const api of apis) {
    const reply = await api.send('GET', '/proxies');
    if (reply.status !== 200) throw failed('link list', reply);
    for (const view of Object.values(reply.body as Record<string, ProxyView>)) entries.push({ api, view });
  }
  return entries;
}

async function linkNamed(client: ControlClient, name: string): Promise<LinkEntry> {
  const links = await allLinks(client);
  const link = links.find((entry) => entry.view.name === name);
  if (!link) {
    throw new CliError(
      `no link is named ${name}; links: ${links.map((entry) => entry.view.name).join(', ')} (vaultover link list)`,
    );
  }
  return link;
}

function controlLinks(client: ControlClient): LinkApi {
  return {
    send: (method, path, body) => {
      const full = `/api/links${path}`;
      if (method === 'GET') return client.get(full);
      if (method === 'DELETE') return client.delete(full);
      return client.post(full, body);
    },
  };
}

/** toxiproxy's `{error, status}`, as both link APIs answer a refusal. */
function messageOf(reply: ControlReply): string {
  const body = reply.body as { error?: unknown } | undefined;
  return typeof body?.error === 'string' ? body.error : `status ${reply.status}`;
}

/** A refusal (a bad toxic, no such toxic, a name taken) is the user's to fix: its reason, and exit 1. */
function refused(command: string, reply: ControlReply, say: Say): number {
  if (reply.status >= 400 && reply.status < 500) {
    say(`${command} refused: ${messageOf(reply)}`);
    return EXIT.failure;
  }
  throw failed(command, reply);
}

function failed(command: string, reply: ControlReply): ControlApiError {
  return new ControlApiError(
    `${command} failed (${reply.status}): ${messageOf(reply)}; see the log of vaultover up`,
    { status: reply.status },
  );
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
