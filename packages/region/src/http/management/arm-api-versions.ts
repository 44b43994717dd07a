import { VaultError } from '@vaultover/vault';

/** The Key Vault resource provider's api-versions, or those of ARM's generic `/resources` list. */
export type ArmApiFamily = 'keyvault' | 'resources';

// Stable and preview versions of Microsoft.KeyVault/vaults, up to what @azure/arm-keyvault 5.x sends.
const KEYVAULT_VERSIONS = [
  '2015-06-01',
  '2016-10-01',
  '2018-02-14',
  '2018-02-14-preview',
  '2019-09-01',
  '2020-04-01-preview',
  '2021-04-01-preview',
  '2021-06-01-preview',
  '2021-10-01',
  '2021-11-01-preview',
  '2022-02-01-preview',
  '2022-07-01',
  '2022-11-01',
  '2023-02-01',
  '2023-07-01',
  '2023-08-01-preview',
  '2024-04-01-preview',
  '2024-11-01',
  '2024-12-01-preview',
  '2025-05-01',
  '2026-02-01',
];

// Versions of Microsoft.Resources' `GET /subscriptions/{id}/resources`; the SDK's `vaults.list()` sends 2015-11-01.
const RESOURCES_VERSIONS = [
  '2015-11-01',
  '2016-02-01',
  '2016-09-01',
  '2017-05-10',
  '2018-05-01',
  '2019-05-10',
  '2019-10-01',
  '2020-06-01',
  '2021-04-01',
  '2022-09-01',
  '2024-03-01',
  '2024-11-01',
  '2025-04-01',
];

export const ARM_API_VERSIONS: Record<ArmApiFamily, readonly string[]> = {
  keyvault: KEYVAULT_VERSIONS,
  resources: RESOURCES_VERSIONS,
};

/** Checks `api-version` the way ARM does: missing and unknown versions get ARM's codes. */
export function requireArmApiVersion(
  version: string | undefined,
  family: ArmApiFamily,
  location: string,
): string {
  if (!version) {
    throw new VaultError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const supported = ARM_API_VERSIONS[family];
  if (supported.includes(version)) return version;
  const list = supported.join(', ');
  if (family === 'resources') {
    throw new VaultError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version.slice(0, 40)}' is invalid. The supported versions are '${list}'.`,
    );
  }
  throw new VaultError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${version.slice(0, 40)}' ` +
      `for type 'vaults'. The supported api-versions are '${list}'. The supported locations are '${location}'.`,
  );
}
