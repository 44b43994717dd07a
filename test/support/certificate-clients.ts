import https from 'node:https';
import { CertificateClient, type CertificateClientOptions } from '@azure/keyvault-certificates';
import { credentialFor, loopbackLookup } from './clients.ts';
import type { TestRegion } from './region.ts';

/**
 * The real CertificateClient of `@azure/keyvault-certificates` against a test region, set up as
 * secretClient() is: trusting the region's CA (`tlsOptions: { ca }` for localhost), the challenge's
 * resource check off, no retries.
 */
export function certificateClient(
  region: TestRegion,
  principal: string,
  vaultUrl: string = region.url,
  options: CertificateClientOptions = {},
): CertificateClient {
  const host = new URL(vaultUrl).hostname;
  const plain = host === 'localhost' || host === '127.0.0.1';
  return new CertificateClient(vaultUrl, credentialFor(region, principal), {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    ...(plain
      ? { tlsOptions: { ca: region.ca } }
      : { agent: new https.Agent({ ca: region.ca, lookup: loopbackLookup, keepAlive: false }) }),
    ...options,
  });
}

/** Poller options for tests: the SDK's default 2 s between polls is needlessly slow here. */
export const FAST_POLL = { intervalInMs: 20 };
