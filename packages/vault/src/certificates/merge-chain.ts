import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { invalidX5c, mergeKeyMismatch } from './certificate-errors.ts';
import { PemError, readPem } from './pem.ts';

// The chain a merge brings (`x5c`): each item is base64, of the DER certificate (as the REST spec
// says and .NET sends), of PEM text (which may hold several certificates), or of the certificate's
// base64 text: the JS SDK's merge sample and live merge test cut a PEM file's lines after BEGIN, the
// END line kept, and send that; the real service takes it, as that test passes against it. Leaf first.

const PEM_START = Buffer.from('-----BEGIN');
// What may stand around a certificate's base64 in text: armour lines and line breaks.
const ARMOUR = /-----(BEGIN|END) [A-Z0-9 ]+-----|\s+/g;
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

/** The certificates of `x5c` as DER, leaf first; refused as the real service does when one is unreadable. */
export function chainOf(x5c: readonly string[]): Buffer[] {
  const chain = x5c.flatMap((item) => certificatesOf(Buffer.from(item, 'base64')));
  if (chain.length === 0) throw invalidX5c();
  return chain;
}

function certificatesOf(bytes: Buffer): Buffer[] {
  if (bytes.subarray(0, PEM_START.length).equals(PEM_START)) {
    try {
      return readPem(bytes.toString('utf8')).certificates;
    } catch (error) {
      if (error instanceof PemError) throw invalidX5c();
      throw error;
    }
  }
  const der = derOf(bytes) ?? derOfText(bytes);
  if (!der) throw invalidX5c();
  return [der];
}

function derOf(bytes: Buffer): Buffer | undefined {
  try {
    return Buffer.from(new X509Certificate(bytes).raw);
  } catch {
    return undefined;
  }
}

/** A certificate given as base64 text, with or without armour lines. */
function derOfText(bytes: Buffer): Buffer | undefined {
  const text = bytes.toString('latin1').replace(ARMOUR, '');
  return BASE64_TEXT.test(text) ? derOf(Buffer.from(text, 'base64')) : undefined;
}

/** Refuses a leaf whose public key is not the pending request's. */
export function requireLeafOf(leafDer: Buffer, privateKey: KeyObject): void {
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  const leafKey = new X509Certificate(leafDer).publicKey;
  if (!spki(leafKey).equals(spki(createPublicKey(privateKey)))) throw mergeKeyMismatch();
}
