export { DEFAULT_HOSTNAMES } from './hostnames.ts';
export type { TlsFiles } from './tls-files.ts';
export { ensureTlsMaterial, type TlsMaterial, type TlsMaterialOptions } from './tls-material.ts';
