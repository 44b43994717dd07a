import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VaultoverCredential } from '@vaultover/auth/tokens';
import { httpsJson } from '@vaultover/foundation';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { ControlApiError } from './control-api-error.ts';

/** Options of {@link openControlClient}. */
export interface ControlClientOptions {
  /** endpoints.json of a running `vaultover up`. Default: `.vaultover/endpoints.json` in `cwd`. */
  endpoints?: string | undefined;
  /** Principal the token names; it needs the administrator role. Default `admin`. */
  principal?: string | undefined;
  cwd?: string | undefined;
  /** Per-request timeout. Default 10000. */
  timeoutMs?: number | undefined;
}

/** A JSON answer of the control API. */
export interface ControlReply {
  status: number;
  body: unknown;
}

/** Talks to the control API of the deployment an endpoints file describes, as an administrator. */
export interface ControlClient {
  /** The control API's base URL. */
  readonly url: string;
  /** The replication links' toxiproxy-style API of the same deployment, as the same administrator; null when it has none. */
  readonly replicationLinks: ReplicationLinksClient | null;
  get(path: string): Promise<ControlReply>;
  /** POST, with `body` as JSON when given. */
  post(path: string, body?: unknown): Promise<ControlReply>;
  delete(path: string): Promise<ControlReply>;
}

/** The replication links' API (plain HTTP on loopback, toxiproxy's bodies), with the client's token. */
export interface ReplicationLinksClient {
  readonly url: string;
  send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlReply>;
}

/** What the client commands read of endpoints.json. */
export interface EndpointsView {
  /** The global endpoint (a single region's URL when there is no control process). */
  gateway: string | null;
  control: string | null;
  linksApi: string | null;
  caFile: string;
  dataDir: string;
  pid?: number;
}

/** Reads the endpoints file, the CA and the signing key; throws a CliError saying what to do when one is missing. */
export async function openControlClient(options: ControlClientOptions = {}): Promise<ControlClient> {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.endpoints !== undefined;
  const path = resolve(cwd, options.endpoints ?? join('.vaultover', 'endpoints.json'));
  const endpoints = await readEndpoints(path, explicit);
  if (endpoints.control === null) {
    throw new CliError(
      `${path} names no control API: this deployment runs without a control process (one region); ` +
        'configure a primary and a secondary region and run vaultover up again',
    );
  }
  const ca = await readFile(endpoints.caFile, 'utf8').catch((error: unknown) => {
    throw new CliError(`cannot read the CA file ${endpoints.caFile} (${codeOf(error)}) named in ${path}`);
  });
  const principal = options.principal ?? 'admin';
  const credential = new VaultoverCredential({ principal, dataDir: endpoints.dataDir });
  const token = async () => {
    try {
      return (await credential.getToken([])).token;
    } catch (error) {
      throw new CliError(
        `cannot sign a token: no signing key in ${endpoints.dataDir} (${codeOf(error)}); is this the data directory of the running deployment?`,
      );
    }
  };
  const base = endpoints.control;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = async (method: string, path: string, body?: unknown) => {
    const reply = await httpsJson({
      method,
      url: `${base}${path}`,
      ca,
      token: await token(),
      timeoutMs,
      body,
    }).catch((error: unknown) => {
      throw unreachable(base, endpoints.pid, error);
    });
    if (reply.status === 401 || reply.status === 403) throw refused(reply, principal);
    return reply;
  };
  return {
    url: base,
    replicationLinks:
      endpoints.linksApi === null ? null : replicationLinksClient(endpoints.linksApi, token, principal),
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    delete: (path) => send('DELETE', path),
  };
}

function replicationLinksClient(
  base: string,
  token: () => Promise<string>,
  principal: string,
): ReplicationLinksClient {
  return {
    url: base,
    async send(method, path, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((error: unknown) => {
        throw new ControlApiError(
          `the replication links' API at ${base} does not answer (${codeOf(error)}): is vaultover up still running?`,
          { status: 0, cause: error },
        );
      });
      const text = await response.text();
      const reply = { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
      if (reply.status === 401 || reply.status === 403) {
        const reason = (reply.body as { error?: unknown } | undefined)?.error;
        throw new ControlApiError(
          `the replication links' API refused principal ${principal} (${reply.status}${typeof reason === 'string' ? `: ${reason}` : ''}); ` +
            'it needs the Key Vault Administrator role and the data directory of the running deployment',
          { status: reply.status },
        );
      }
      return reply;
    },
  };
}

/** Reads endpoints.json at `path` (`explicit`: the user named it), or throws a CliError saying what to do. */
export async function readEndpoints(path: string, explicit: boolean): Promise<EndpointsView> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(
      explicit
        ? `cannot read ${path} (${codeOf(error)}): pass the endpoints.json of a running vaultover up`
        : 'no .vaultover/endpoints.json here: start `scripts/vaultover up` first (in this directory), or pass --endpoints FILE',
      { exitCode: EXIT.usage },
    );
  }
  try {
    const parsed = JSON.parse(text) as Partial<EndpointsView> & { links?: { api?: unknown } };
    if (typeof parsed.caFile !== 'string' || typeof parsed.dataDir !== 'string') throw new Error('fields');
    return {
      gateway: typeof parsed.gateway === 'string' ? parsed.gateway : null,
      control: typeof parsed.control === 'string' ? parsed.control : null,
      linksApi: typeof parsed.links?.api === 'string' ? parsed.links.api : null,
      caFile: parsed.caFile,
      dataDir: parsed.dataDir,
      ...(typeof parsed.pid === 'number' ? { pid: parsed.pid } : {}),
    };
  } catch {
    throw new CliError(
      `${path} is not the endpoints.json of vaultover up (expected control, caFile and dataDir)`,
    );
  }
}

function unreachable(url: string, pid: number | undefined, error: unknown): ControlApiError {
  const owner = pid === undefined ? 'vaultover up' : `vaultover up (pid ${pid})`;
  return new ControlApiError(
    `the control API at ${url} does not answer (${codeOf(error)}): is ${owner} still running? If not, start it again with \`scripts/vaultover up\``,
    { status: 0, cause: error },
  );
}

function refused(reply: ControlReply, principal: string): ControlApiError {
  const { code, message } = errorOf(reply.body);
  const hint =
    reply.status === 403
      ? `principal ${principal} may not use the control API: pass --principal with one that has the Key Vault Administrator role`
      : `the control API refused the token of principal ${principal}: is it configured, and is this the deployment's data directory?`;
  return new ControlApiError(
    `${hint} (${reply.status} ${code ?? ''}${message ? `: ${message}` : ''})`.replace(' )', ')'),
    {
      status: reply.status,
      apiCode: code,
    },
  );
}

/** The `{error: {code, message}}` of a reply, or empties. */
export function errorOf(body: unknown): { code: string | undefined; message: string | undefined } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : undefined,
    message: typeof error?.message === 'string' ? error.message : undefined,
  };
}

function codeOf(error: unknown): string {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code ??
    (error instanceof Error ? error.message : String(error))
  );
}
