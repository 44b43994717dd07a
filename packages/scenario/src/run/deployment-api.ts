import { VaultoverCredential } from '@vaultover/auth/tokens';
import { httpsJson } from '@vaultover/foundation';
import { DeploymentApiError } from '../scenario-error.ts';
import type { DeploymentEndpoints } from './deployment.ts';

export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The deployment's control API as an administrator (and the replication links' API, which takes the same
 * token): what a scenario's steps drive. One JSON request each; a status other than `expected` rejects
 * with the API's message.
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
    const reply = await httpsJson({
      method,
      url: `${this.#endpoints.control}${path}`,
      ca: this.#ca,
      token,
      body,
    });
    return accepted(method, path, reply, expected);
  }

  /** A route of the replication links' toxiproxy-style API (`/proxies/…`), as the same administrator. */
  async replicationLinks(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = (await this.#credential.getToken([])).token;
    const response = await fetch(`${this.#endpoints.links.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
