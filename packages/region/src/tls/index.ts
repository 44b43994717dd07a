export { DEFAULT_HOSTNAMES } from './hostnames.ts';
export { SniCertificates, type SniCertificatesOptions } from './sni-certificates.ts';
export type { TlsFiles } from './tls-files.ts';
export { ensureTlsMaterial, type TlsMaterial, type TlsMaterialOptions } from './tls-material.ts';
