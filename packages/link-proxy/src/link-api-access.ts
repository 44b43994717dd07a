/** What {@link LinkApiAccess} says about one request. */
export type AccessVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** 401: no valid credential (the answer carries the challenge); 403: a caller who may not. */
      readonly status: 401 | 403;
      /** Why, for the caller; never the credential itself. */
      readonly reason: string;
    };

/**
 * Who may drive the links through the HTTP API. This package knows nothing of the deployment's tokens:
 * whoever starts the API hands in the check (the CLI: an administrator's bearer token, as the control
 * API asks).
 */
export interface LinkApiAccess {
  /** Decides from the request's `Authorization` header (undefined when absent). */
  decide(authorization: string | undefined): Promise<AccessVerdict>;
  /** The `WWW-Authenticate` value sent with a 401. */
  readonly challenge: string;
}
