import { lookup as dnsLookup } from 'node:dns';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { attemptCounterPolicy } from './attempt-counter.ts';
import { LoadSpecInvalidError } from './errors.ts';

/** The deployment a load runs against: what `vaultover up` writes into endpoints.json. */
export interface LoadTarget {
  /** URL of the default vault (the global endpoint). */
  defaultVaultUrl: string;
  /** Every vault's URL by name (`https://<vault>.localhost:<port>`). */
  vaults: Record<string, string>;
  /** PEM of the deployment's CA. */
  ca: string;
  /**
   * A credential whose tokens the deployment accepts for `principal` (a VaultoverCredential over its
   * data directory). Handed in rather than built here: tokens are `auth`'s, a package of this one's
   * layer, and whoever starts a load has one at hand. Called once per principal.
   */
  credential(principal: string): TokenCredential;
}

/** The vault URL a client names; `default` or none is the default vault. */
export function vaultUrlOf(target: LoadTarget, vault: string | undefined): string {
  if (vault === undefined || vault === 'default') return target.defaultVaultUrl;
  const url = target.vaults[vault];
  if (!url)
    throw new LoadSpecInvalidError(
      `no vault ${vault} in the deployment (it has ${Object.keys(target.vaults).join(', ') || 'none'})`,
    );
  return url;
}

/**
 * `*.localhost` does not resolve everywhere (glibc does not map it), so vault hosts are sent to the
 * loopback address by hand. Only the address lookup is replaced: SNI and certificate verification
 * still use `<vault>.localhost`.
 */
const loopbackLookup: LookupFunction = (_hostname, options, callback) =>
  dnsLookup('127.0.0.1', options, callback);

/**
 * The options every SDK client of a load gets: the deployment's CA trusted (verification stays on), the
 * challenge's resource check off (it names vault.azure.net, we are localhost), and the attempt counter.
 *
 * For `<vault>.localhost` the pipeline's `agent` wins over `tlsOptions`, so the agent carries the CA
 * and the loopback lookup; it keeps connections alive as the SDK's own agent does.
 */
export function sdkClientOptions(
  vaultUrl: string,
  ca: string,
): {
  disableChallengeResourceVerification: true;
  additionalPolicies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
} & ({ tlsOptions: { ca: string } } | { agent: https.Agent }) {
  const host = new URL(vaultUrl).hostname;
  const common = {
    disableChallengeResourceVerification: true as const,
    additionalPolicies: [{ policy: attemptCounterPolicy, position: 'perRetry' as const }],
  };
  if (host === 'localhost' || host === '127.0.0.1') return { ...common, tlsOptions: { ca } };
  return { ...common, agent: new https.Agent({ ca, lookup: loopbackLookup, keepAlive: true }) };
}

/** One credential per principal for a whole load: tokens are cached as an app's would be. */
export function credentialCache(target: LoadTarget): (principal: string) => TokenCredential {
  const credentials = new Map<string, TokenCredential>();
  return (principal) => {
    let credential = credentials.get(principal);
    if (!credential) {
      credential = target.credential(principal);
      credentials.set(principal, credential);
    }
    return credential;
  };
}
