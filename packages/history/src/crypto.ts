import type { Anomaly, Operation } from './history.ts';

/** A crypto round trip the service answered must give back what it encrypted, whichever region served. */
export function cryptoMismatches(history: readonly Operation[]): Anomaly[] {
  return history
    .filter((op) => op.kind === 'crypto' && op.outcome === 'ok' && op.result !== op.value)
    .map((op) => ({
      check: 'crypto-mismatch',
      detail: `crypto #${op.id} with ${op.key}: decrypting the ciphertext did not give back the plaintext`,
      operations: [op.id],
    }));
}
