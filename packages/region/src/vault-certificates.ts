import type { SecureContext } from 'node:tls';
import { isValidVaultName, type VaultRegistry } from '@vaultover/vault';
import type { VaultHostResolver } from './http/vault-host.ts';
import { SniCertificates, type TlsMaterial } from './tls/index.ts';
import { readIfPresent } from './tls/tls-files.ts';

/** What `https.createServer({ SNICallback })` takes. */
export interface SniSource {
  callback(servername: string, done: (error: Error | null, context?: SecureContext) => void): void;
}

/**
 * The region's SNI certificates: a name `<vault>.<one of our hosts>` gets a certificate of its own when
 * the vault exists, live or soft-deleted (so that a deleted vault's data plane can still answer
 * "VaultNotFound" over a verified connection, and its name stays reserved). Vaults created at run time
 * are thus reachable over TLS at once, with no restart and no new default certificate. Without the CA's
 * key (a data directory whose ca-key.pem was removed), every name gets the default certificate.
 */
export async function vaultCertificates(
  tls: TlsMaterial,
  hosts: VaultHostResolver,
  vaults: VaultRegistry,
): Promise<SniSource> {
  const caKeyPem = await readIfPresent(tls.caKeyFile);
  if (caKeyPem === undefined) return { callback: (_name, done) => done(null, undefined) };
  return new SniCertificates({
    ca: { certPem: tls.caPem, keyPem: caKeyPem },
    defaultCertPem: tls.certPem,
    wants: async (servername) => {
      const vault = hosts.split(servername)?.vault;
      if (!vault || !isValidVaultName(vault)) return false;
      return (await vaults.read(vault)) !== undefined;
    },
  });
}
