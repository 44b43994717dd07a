import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TokenCredential } from '@azure/core-auth';
import { currentCallAttempts } from './attempt-counter.ts';
import { ClientModuleInvalidError } from './errors.ts';
import { sdkClientOptions } from './load-target.ts';
import type { Caller } from './sdk-callers.ts';

/** What a user's client module's default export gets for each call. */
export interface UserCallContext {
  /** The vault URL (the global endpoint for the default vault). */
  endpoint: string;
  /** A TokenCredential for the client's principal: give it to any Azure SDK client. */
  credential: TokenCredential;
  /** PEM of the deployment's CA: trust it (`tlsOptions: { ca }`, an https.Agent, or fetch's dispatcher). */
  ca: string;
  /**
   * Options to spread into an Azure SDK client's options: the CA, the challenge's resource check off,
   * and a `perRetry` policy that counts each attempt the client makes. Clients may be built once (outside
   * the call) with them: the policy finds the call it belongs to by itself.
   */
  clientOptions: ReturnType<typeof sdkClientOptions>;
  /** The mix's operation for this call (the names of the client's `operations`). */
  operation: string;
  /** A name for this client's objects (`load-<client>`). */
  name: string;
  /** A fresh value, for writes. */
  value: string;
  /** Aborts when the call's timeout passes or the load stops. */
  signal: AbortSignal;
  /**
   * Counts one attempt, for code that does not use an Azure SDK client (or does not use clientOptions):
   * its `x-ms-client-request-id` and the status it got, if any.
   */
  attempt(requestId?: string, status?: number): void;
}

export type UserClientFunction = (ctx: UserCallContext) => Promise<unknown>;

/** Imports a module whose default export is `async (ctx) => …`; a path is taken from `baseDir`. */
export async function loadUserModule(path: string, baseDir: string): Promise<UserClientFunction> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new ClientModuleInvalidError(`cannot import the client module ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  if (typeof module.default !== 'function')
    throw new ClientModuleInvalidError(
      `${file} must export a default function async (ctx) => …, not ${typeof module.default}`,
    );
  return module.default as UserClientFunction;
}

export interface UserCallerOptions {
  fn: UserClientFunction;
  endpoint: string;
  ca: string;
  credential: TokenCredential;
  baseName: string;
  random: () => number;
}

/** A Caller that hands each call to the user's function. It has nothing to set up: the module owns its names. */
export function userCaller(options: UserCallerOptions): Caller {
  const clientOptions = sdkClientOptions(options.endpoint, options.ca);
  return {
    async setup() {},
    async call(operation, signal) {
      await options.fn({
        endpoint: options.endpoint,
        credential: options.credential,
        ca: options.ca,
        clientOptions,
        operation,
        name: options.baseName,
        value: options.random().toString(36).slice(2),
        signal,
        attempt: (requestId, status) => currentCallAttempts()?.record(requestId, status),
      });
    },
  };
}
