/** The body of every error Vaultover's HTTP layers answer: the Key Vault (and ARM) shape. */
export function errorEnvelope(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
