// The deployment's TLS material, shared by the region nodes and the global endpoint so that clients trust
// both through one CA: the CA and server certificate (created once, under a directory lock), certificates
// for `<vault>.<host>` names issued on demand at the TLS handshake (SNI), and the host-name scheme that
// says which vault a name is for.
export { DEFAULT_HOSTNAMES } from './hostnames.ts';
export { serviceOrigin } from './service-origin.ts';
export { SniCertificates, type SniCertificatesOptions } from './sni-certificates.ts';
export type { TlsFiles } from './tls-files.ts';
export { ensureTlsMaterial, type TlsMaterial, type TlsMaterialOptions } from './tls-material.ts';
export { VaultHostResolver } from './vault-hosts.ts';
export { type SniCallback, type VaultSni, vaultSni } from './vault-sni.ts';
