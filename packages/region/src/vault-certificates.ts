import { type TlsMaterial, type VaultHostResolver, type VaultSni, vaultSni } from '@vaultover/tls';
import { isValidVaultName, type VaultRegistry } from '@vaultover/vault';

/**
 * The region's SNI certificates: a name `<vault>.<one of our hosts>` gets a certificate of its own when
 * the vault exists, live or soft-deleted (so that a deleted vault's data plane can still answer
 * "VaultNotFound" over a verified connection, and its name stays reserved).
 */
export function vaultCertificates(
  tls: TlsMaterial,
  hosts: VaultHostResolver,
  vaults: VaultRegistry,
): Promise<VaultSni> {
  return vaultSni(
    tls,
    hosts,
    async (vault) => isValidVaultName(vault) && (await vaults.read(vault)) !== undefined,
  );
}
