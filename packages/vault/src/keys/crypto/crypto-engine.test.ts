import { describe, expect, it } from 'vitest';
import { type CryptoEngine, type KeyRef, SplitCryptoEngine } from './crypto-engine.ts';
import type { CryptoRequest } from './key-operation.ts';

/** An engine that only records what it was asked to run. */
function recorder(): CryptoEngine & { ops: string[]; closed: boolean } {
  const engine = {
    ops: [] as string[],
    closed: false,
    run: async (_key: KeyRef, request: CryptoRequest) => {
      engine.ops.push(request.op);
      return true;
    },
    close: async () => {
      engine.closed = true;
    },
  };
  return engine;
}

const rsa: KeyRef = { id: 'v/key/rsa/1', sealed: 's', unseal: () => Buffer.alloc(0) };
const ec: KeyRef = { ...rsa, id: 'v/key/ec/1', curve: 'P-256' };
const bytes = new Uint8Array(32);

describe('SplitCryptoEngine', () => {
  it('sends RSA sign and decrypt to the heavy engine, everything else to the light one', async () => {
    const heavy = recorder();
    const light = recorder();
    const engine = new SplitCryptoEngine(heavy, light);
    await engine.run(rsa, { op: 'sign', algorithm: 'RS256', digest: bytes });
    await engine.run(rsa, { op: 'decrypt', algorithm: 'RSA-OAEP', data: bytes });
    await engine.run(rsa, { op: 'encrypt', algorithm: 'RSA-OAEP', data: bytes });
    await engine.run(rsa, { op: 'verify', algorithm: 'PS256', digest: bytes, signature: bytes });
    await engine.run(ec, { op: 'sign', algorithm: 'ES256', digest: bytes });
    await engine.run(ec, { op: 'verify', algorithm: 'ES256', digest: bytes, signature: bytes });
    expect(heavy.ops).toEqual(['sign', 'decrypt']);
    expect(light.ops).toEqual(['encrypt', 'verify', 'sign', 'verify']);
    await engine.close();
    expect([heavy.closed, light.closed]).toEqual([true, true]);
  });
});
