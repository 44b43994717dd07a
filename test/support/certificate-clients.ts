import { CertificateClient, type CertificateClientOptions } from '@azure/keyvault-certificates';
import { clientOptions, credentialFor } from './clients.ts';
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
  return new CertificateClient(vaultUrl, credentialFor(region, principal), {
    ...clientOptions(region, vaultUrl),
    ...options,
  });
}

/** Poller options for tests: the SDK's default 2 s between polls is needlessly slow here. */
export const FAST_POLL = { intervalInMs: 20 };
