import type { SecureContext } from 'node:tls';
import { SniCertificates } from './sni-certificates.ts';
import { readIfPresent } from './tls-files.ts';
import type { TlsMaterial } from './tls-material.ts';
import type { VaultHostResolver } from './vault-hosts.ts';

/** What `https.createServer({ SNICallback })` takes. */
export type SniCallback = (
  servername: string,
  done: (error: Error | null, context?: SecureContext) => void,
) => void;

/** The TLS a server of the deployment answers with: its material, and a certificate per vault host name. */
export interface VaultSni {
  readonly callback: SniCallback;
  /** False when the CA's key is missing (a data directory whose ca-key.pem was removed): every name then gets the default certificate. */
  readonly perVault: boolean;
}

/**
 * SNI for a server that answers `<vault>.<one of our hosts>`: such a name gets a certificate of its own,
 * issued by the deployment's CA at its first handshake, when `servesVault(vault)` says yes; any other name
 * gets the default certificate. Vaults created at run time are thus reachable over TLS at once, with no
 * restart and no new default certificate.
 */
export async function vaultSni(
  material: TlsMaterial,
  hosts: VaultHostResolver,
  servesVault: (vault: string) => Promise<boolean> | boolean,
): Promise<VaultSni> {
  const caKeyPem = await readIfPresent(material.caKeyFile);
  if (caKeyPem === undefined) return { perVault: false, callback: (_name, done) => done(null, undefined) };
  const certificates = new SniCertificates({
    ca: { certPem: material.caPem, keyPem: caKeyPem },
    defaultCertPem: material.certPem,
    wants: async (servername) => {
      const vault = hosts.split(servername)?.vault;
      return vault !== undefined && (await servesVault(vault));
    },
  });
  return { perVault: true, callback: certificates.callback };
}
