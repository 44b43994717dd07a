import type { DeploymentOverrides } from '../deployment-schema.ts';

/** What a scenario needs of a running deployment: the part of `vaultover up`'s endpoints.json it uses. */
export interface DeploymentEndpoints {
  /** The global endpoint: the default vault. */
  readonly gateway: string;
  readonly control: string;
  readonly caFile: string;
  readonly dataDir: string;
  /** Each vault's own URL on the global endpoint. */
  readonly vaults: Readonly<Record<string, string>>;
  readonly regions: Readonly<Record<string, { readonly url: string }>>;
  /**
   * The replication links' toxiproxy-style API; and, for each kernel link that leads to a region's
   * network namespace, that region (a blackhole there partitions it: docs/network-namespaces.md).
   */
  readonly links: { readonly api: string; readonly regionOf?: Readonly<Record<string, string>> };
  /** Each Redis, its URL with credentials that may read it (never printed: it carries a password). */
  readonly redis: Readonly<Record<string, { readonly url: string }>>;
}

/** A deployment started for one run. */
export interface Deployment {
  readonly endpoints: DeploymentEndpoints;
  /** Stops every process and Redis it started. */
  stop(): Promise<void>;
}

/**
 * Starts a deployment as `vaultover up` does (free ports, its own Redis), with the scenario's overrides
 * of the config and the request log on, its data in `dataDir`. The CLI provides it: processes and
 * Redis are its business, not this package's.
 */
export type DeploymentStarter = (overrides: DeploymentOverrides, dataDir: string) => Promise<Deployment>;
