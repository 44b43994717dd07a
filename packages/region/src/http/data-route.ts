import type { OperationName, VaultProperties } from '@vaultover/vault';

/** What a data-plane handler gets: the resolved vault and the parsed request. */
export interface RequestContext {
  readonly vault: VaultProperties;
  /** Origin of the request (`https://host:port`), from which ids and next links are built. */
  readonly base: string;
  readonly apiVersion: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  readonly principal: string;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A route of the vault data plane: every one names an operation of the catalogue. */
export interface DataRoute {
  readonly method: HttpMethod;
  /** express 5 path pattern, e.g. `/secrets/:name{/:version}`. */
  readonly path: string;
  readonly operation: OperationName;
  /** Whether the request carries a JSON body to read. */
  readonly hasBody?: boolean;
  handle(context: RequestContext): Promise<Reply>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const noContent = (): Reply => ({ status: 204 });
