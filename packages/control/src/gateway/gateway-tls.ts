import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecureContext } from 'node:tls';
import { ensureTlsMaterial, SniCertificates, type TlsMaterial, VaultHostResolver } from '@vaultover/region';
import { isValidVaultName } from '@vaultover/vault';

/** The gateway's server TLS: the deployment's certificate plus one per vault host name, on demand. */
export interface GatewayTls {
  readonly material: TlsMaterial;
  /** For `https.createServer({ SNICallback })`: undefined context means the default certificate. */
  sniCallback(servername: string, done: (error: Error | null, context?: SecureContext) => void): void;
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
  const caKeyPem = await readOptional(material.caKeyFile);
  if (caKeyPem === undefined) {
    return { material, perVault: false, sniCallback: (_name, done) => done(null, undefined) };
  }
  // The default vault is irrelevant here: only split() is used, to recognise `<vault>.<host>`.
  const hosts = new VaultHostResolver('', hostnames);
  const certificates = new SniCertificates({
    ca: { certPem: material.caPem, keyPem: caKeyPem },
    defaultCertPem: material.certPem,
    wants: async (servername) => {
      const vault = hosts.split(servername)?.vault;
      return vault !== undefined && isValidVaultName(vault);
    },
  });
  return { material, perVault: true, sniCallback: certificates.callback };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
