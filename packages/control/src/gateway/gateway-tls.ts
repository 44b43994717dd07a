import { join } from 'node:path';
import {
  ensureTlsMaterial,
  type SniCallback,
  type TlsMaterial,
  VaultHostResolver,
  vaultSni,
} from '@vaultover/tls';
import { isValidVaultName } from '@vaultover/vault';

/** The gateway's server TLS: the deployment's certificate plus one per vault host name, on demand. */
export interface GatewayTls {
  readonly material: TlsMaterial;
  /** For `https.createServer({ SNICallback })`: undefined context means the default certificate. */
  readonly sniCallback: SniCallback;
  /** True when vault host names get certificates of their own (the CA's key is present). */
  readonly perVault: boolean;
}

/**
 * Loads (or creates) the TLS material in `<dataDir>/tls`, the directory the region nodes use, so clients
 * trust the gateway through the CA they already trust. Unlike a region the gateway has no vault registry:
 * any `<valid vault name>.<one of our hosts>` gets a certificate, and the region behind answers for a vault
 * that does not exist (VaultNotFound) over a verified connection, as it would if reached directly.
 */
export async function loadGatewayTls(dataDir: string, hostnames: readonly string[]): Promise<GatewayTls> {
  const material = await ensureTlsMaterial({ dir: join(dataDir, 'tls'), hostnames });
  // The default vault is irrelevant here: only split() is used, to recognise `<vault>.<host>`.
  const sni = await vaultSni(material, new VaultHostResolver('', hostnames), isValidVaultName);
  return { material, perVault: sni.perVault, sniCallback: sni.callback };
}
