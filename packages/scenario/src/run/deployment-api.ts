import { request } from 'node:https';
import { VaultoverCredential } from '@vaultover/auth/tokens';
import { DeploymentApiError } from '../scenario-error.ts';
import type { DeploymentEndpoints } from './deployment.ts';

export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The deployment's control API as an administrator (and the replication links' API): what a scenario's
 * steps drive. One JSON request each; a status other than `expected` rejects with the API's message.
 */
export class DeploymentApi {
  readonly #endpoints: DeploymentEndpoints;
  readonly #ca: string;
  readonly #credential: VaultoverCredential;

  constructor(endpoints: DeploymentEndpoints, ca: string, principal = 'admin') {
    this.#endpoints = endpoints;
    this.#ca = ca;
    this.#credential = new VaultoverCredential({ principal, dataDir: endpoints.dataDir });
  }

  /** A control API route (`/api/…`); rejects unless the status is one of `expected`. */
  async control(
    method: string,
    path: string,
    body?: unknown,
    expected = [200, 201, 202, 204],
  ): Promise<unknown> {
    const token = (await this.#credential.getToken([])).token;
    const reply = await send(method, `${this.#endpoints.control}${path}`, body, {
      ca: this.#ca,
      authorization: `Bearer ${token}`,
    });
    return accepted(method, path, reply, expected);
  }

  /** A route of the replication links' toxiproxy-style API (`/proxies/…`). */
  async replicationLinks(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.#endpoints.links.api}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return accepted(
      method,
      path,
      { status: response.status, body: text ? JSON.parse(text) : undefined },
      [200, 204],
    );
  }
}

function accepted(method: string, path: string, reply: ApiReply, expected: readonly number[]): unknown {
  if (expected.includes(reply.status)) return reply.body;
  const body = reply.body as { error?: { message?: string } | string } | undefined;
  const message =
    typeof body?.error === 'string' ? body.error : (body?.error?.message ?? `status ${reply.status}`);
  throw new DeploymentApiError(`${method} ${path} answered ${reply.status}: ${message}`);
}

function send(
  method: string,
  url: string,
  body: unknown,
  options: { ca: string; authorization: string },
): Promise<ApiReply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: options.ca,
        headers: {
          authorization: options.authorization,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: reported as it came
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new DeploymentApiError(`${method} ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}
