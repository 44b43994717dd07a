/**
 * Concatenates PEM blocks one per line. @peculiar/x509 emits PEM without a final newline, and
 * OpenSSL cannot read `-----END CERTIFICATE----------BEGIN CERTIFICATE-----`.
 */
export function pemBundle(...pems: readonly string[]): string {
  return pems.map((pem) => `${pem.trim()}\n`).join('');
}
