import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { invalidX5c, mergeKeyMismatch } from './certificate-errors.ts';
import { PemError, readPem } from './pem.ts';

// The chain a merge brings (`x5c`): each item is base64, of the DER certificate (as the REST spec
// says and .NET sends) or of PEM text (what the JS SDK's own merge sample sends, and the real service
// takes), which may hold several certificates. Leaf first. The JS SDK's live merge test sends a third
// form, which the real service takes too: base64 of the certificate's base64 text, cut from a PEM file
// without its BEGIN line but with its END line.

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
