import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainOf, requireLeafOf } from './merge-chain.ts';

// Two self-signed certificates with their keys, made by OpenSSL, stand for a leaf and its CA.
const dir = mkdtempSync(join(tmpdir(), 'vaultover-merge-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function made(name: string) {
  const [key, cert] = [join(dir, `${name}.key`), join(dir, `${name}.pem`)];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key].concat(
      ['-out', cert, '-subj', `/CN=${name}`, '-days', '30'],
    ),
    { stdio: 'pipe' },
  );
  const pem = readFileSync(cert, 'utf8');
  return { pem, der: Buffer.from(new X509Certificate(pem).raw), key: createPrivateKey(readFileSync(key)) };
}
const leaf = made('leaf');
const ca = made('ca');
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('chainOf', () => {
  it('reads items of base64 DER and of base64 PEM text (one or several blocks), leaf first', () => {
    expect(chainOf([leaf.der.toString('base64'), ca.der.toString('base64')])).toEqual([leaf.der, ca.der]);
    expect(chainOf([base64(leaf.pem), base64(ca.pem)])).toEqual([leaf.der, ca.der]);
    expect(chainOf([base64(`${leaf.pem}${ca.pem}`)])).toEqual([leaf.der, ca.der]);
  });

  it('refuses an empty x5c and any item that is not a certificate, with the real text', () => {
    const refused = { status: 400, code: 'BadParameter' };
    for (const x5c of [
      [],
      [base64('garbage')],
      [leaf.der.toString('base64'), base64('-----BEGIN nothing')],
    ]) {
      expect(() => chainOf(x5c)).toThrow(
        expect.objectContaining({
          ...refused,
          message: 'Property x5c has invalid value X5C must has at least one valid item',
        }),
      );
    }
  });
});

describe('requireLeafOf', () => {
  it("accepts the leaf of the pending key and refuses another key's", () => {
    expect(() => requireLeafOf(leaf.der, leaf.key)).not.toThrow();
    expect(() => requireLeafOf(ca.der, leaf.key)).toThrow(
      expect.objectContaining({ status: 400, code: 'BadParameter' }),
    );
  });
});
