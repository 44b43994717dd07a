import { VaultoverCredential } from '@vaultover/auth';
import type { LoadTarget } from '@vaultover/load';
import type { TestRegion } from '../support/region.ts';

/** The load's view of a test deployment: its default vault at `endpoint` (a gateway or a region). */
export function loadTarget(endpoint: TestRegion): LoadTarget {
  return {
    defaultVaultUrl: endpoint.url,
    vaults: {},
    ca: endpoint.ca,
    credential: (principal) => new VaultoverCredential({ principal, dataDir: endpoint.dataDir }),
  };
}
