import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the TLS material lives inside the data directory. */
export interface TlsFiles {
  /** CA certificate only: what users point NODE_EXTRA_CA_CERTS (or a trust store) at. */
  caFile: string;
  /** CA private key (0600); only needed to issue new server certificates. */
  caKeyFile: string;
  /** Server certificate followed by the CA certificate. */
  certFile: string;
  /** Server private key, PKCS#8 PEM (0600). */
  keyFile: string;
}

/** File paths for the TLS material in `dir`. */
export function tlsFiles(dir: string): TlsFiles {
  return {
    caFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca-key.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server-key.pem'),
  };
}

/** Reads a text file, or undefined when it does not exist. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
