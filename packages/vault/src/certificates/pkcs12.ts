import { Pkcs12Error } from './pkcs12-error.ts';
import { pkijs } from './x509-provider.ts';

// PKCS#12 (PFX) with pkijs: the managed secret of an `application/x-pkcs12` certificate, and the
// files clients import. Only the container is handled here; keys stay PKCS#8 DER for node:crypto.

const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
/** Content types of an authenticated safe's parts: plain, or encrypted with a password. */
const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
/** The password-based encryption OpenSSL 3 and Windows write (AES); the only one pkijs decrypts. */
const PBES2 = '1.2.840.113549.1.5.13';
/** OpenSSL's default MAC iteration count. */
const MAC_ITERATIONS = 2048;

/** The contents of a PFX: its private key (PKCS#8 DER) if it has one, and its certificates (DER). */
export interface Pkcs12Contents {
  privateKeyDer: Buffer | undefined;
  certificates: Buffer[];
}

/**
 * `localKeyID` (PKCS#9), the attribute by which readers pair a key bag with its certificate bag:
 * `openssl pkcs12 -clcerts` keeps only certificates carrying one, and .NET attaches the key to the
 * certificate that shares it. The value is the one a Windows PFX export writes (01 00 00 00), which the
 * real service's downloads look made by. DER of `SEQUENCE { OID 1.2.840.113549.1.9.21, SET { OCTET STRING } }`.
 */
const LOCAL_KEY_ID_ATTRIBUTE = Buffer.from('301306092a864886f70d0109153106040401000000', 'hex');

/**
 * A password-less PFX holding `certificateDer` (the leaf), the rest of its `chain` and, when given,
 * its private key: what the real service stores in a certificate's managed secret. The key bag and
 * the leaf's bag share a `localKeyID`; the chain's bags carry none (they have no key here). The bags
 * are not encrypted (the secret itself is sealed at rest); the MAC uses the empty password, which
 * OpenSSL, .NET and Node all accept.
 */
export async function buildPkcs12(
  certificateDer: Buffer,
  privateKeyDer?: Buffer,
  chain: readonly Buffer[] = [],
): Promise<Buffer> {
  const bags: pkijs.SafeBag[] = [
    certificateBag(certificateDer, [localKeyId()]),
    ...chain.map((der) => certificateBag(der)),
  ];
  if (privateKeyDer) {
    bags.unshift(
      new pkijs.SafeBag({
        bagId: KEY_BAG,
        bagValue: pkijs.PrivateKeyInfo.fromBER(privateKeyDer),
        bagAttributes: [localKeyId()],
      }),
    );
  }
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [{ privacyMode: 0, value: new pkijs.SafeContents({ safeBags: bags }) }],
        },
      }),
    },
  });
  await pfx.parsedValue?.authenticatedSafe?.makeInternalValues({ safeContents: [{}] });
  await pfx.makeInternalValues({
    password: new ArrayBuffer(0),
    iterations: MAC_ITERATIONS,
    pbkdf2HashAlgorithm: 'SHA-256',
    hmacHashAlgorithm: 'SHA-256',
  });
  return Buffer.from(pfx.toSchema().toBER(false));
}

function certificateBag(der: Buffer, bagAttributes?: pkijs.Attribute[]): pkijs.SafeBag {
  const bagValue = new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(der) });
  return new pkijs.SafeBag({ bagId: CERT_BAG, bagValue, ...(bagAttributes ? { bagAttributes } : {}) });
}

function localKeyId(): pkijs.Attribute {
  return pkijs.Attribute.fromBER(LOCAL_KEY_ID_ATTRIBUTE);
}

/** Reads a PFX; `password` opens its MAC and encrypted parts (PBES2, as OpenSSL 3 and Windows write them). */
export async function readPkcs12(der: Buffer, password = ''): Promise<Pkcs12Contents> {
  const secret = toArrayBuffer(Buffer.from(password, 'utf8'));
  const pfx = parse(() => pkijs.PFX.fromBER(der));
  // The structure first, without the MAC: whatever fails here, the password has no part in it.
  try {
    await pfx.parseInternalValues({ password: secret, checkIntegrity: false });
  } catch {
    throw new Pkcs12Error('Pkcs12Malformed', 'the PKCS#12 structure cannot be read');
  }
  // Then the MAC, which only the password decides (pkijs tells neither failure by a code).
  if (pfx.macData !== undefined) {
    try {
      await pfx.parseInternalValues({ password: secret, checkIntegrity: true });
    } catch {
      throw wrongPassword();
    }
  }
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw new Pkcs12Error('Pkcs12Malformed', 'the PKCS#12 content has no authenticated safe');
  for (const content of safe.safeContents) requirePbes2(encryptionOf(content));
  await decrypt(() =>
    safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: secret })) }),
  );
  const contents: Pkcs12Contents = { privateKeyDer: undefined, certificates: [] };
  for (const { value } of safe.parsedValue?.safeContents ?? []) {
    for (const bag of value.safeBags) await readBag(bag, secret, contents);
  }
  return contents;
}

async function readBag(bag: pkijs.SafeBag, password: ArrayBuffer, into: Pkcs12Contents): Promise<void> {
  if (bag.bagId === KEY_BAG && !into.privateKeyDer) {
    into.privateKeyDer = berOf(bag.bagValue as pkijs.PrivateKeyInfo);
  } else if (bag.bagId === SHROUDED_KEY_BAG && !into.privateKeyDer) {
    // parseInternalValues is protected in the typings but is the documented way to decrypt the bag.
    const shrouded = bag.bagValue as unknown as {
      encryptionAlgorithm: pkijs.AlgorithmIdentifier;
      parseInternalValues(parameters: { password: ArrayBuffer }): Promise<void>;
      parsedValue?: pkijs.PrivateKeyInfo;
    };
    requirePbes2(shrouded.encryptionAlgorithm.algorithmId);
    await decrypt(() => shrouded.parseInternalValues({ password }));
    if (shrouded.parsedValue) into.privateKeyDer = berOf(shrouded.parsedValue);
  } else if (bag.bagId === CERT_BAG) {
    const value = (bag.bagValue as pkijs.CertBag).parsedValue;
    if (value instanceof pkijs.Certificate) into.certificates.push(berOf(value));
  }
}

/** The encryption of a part of the authenticated safe: undefined when plain, else its algorithm (or content type). */
function encryptionOf(content: pkijs.ContentInfo): string | undefined {
  if (content.contentType === DATA) return undefined;
  // Enveloped data (public-key privacy) is named by its content type: it is not PBES2 either.
  if (content.contentType !== ENCRYPTED_DATA) return content.contentType;
  // From a copy of its bytes: reading the schema itself would spoil it for the decryption that follows.
  const encrypted = parse(() => pkijs.EncryptedData.fromBER(content.content.toBER(false)));
  return encrypted.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId;
}

/**
 * Refuses, before anything is decrypted, an algorithm other than PBES2: legacy PKCS#12 ciphers (3DES,
 * RC2) are named as such by their identifier, rather than taken for a wrong password or corruption.
 */
function requirePbes2(algorithm: string | undefined): void {
  if (algorithm === undefined || algorithm === PBES2) return;
  throw new Pkcs12Error(
    'Pkcs12CipherUnsupported',
    'the PKCS#12 content uses a legacy cipher (3DES or RC2); only PBES2 (AES) is supported',
  );
}

/** Runs a decryption step of PBES2 content: with the MAC already checked, a failure is the password's. */
async function decrypt(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch {
    throw wrongPassword();
  }
}

function wrongPassword(): Pkcs12Error {
  return new Pkcs12Error('Pkcs12PasswordWrong', 'the password does not open the PKCS#12 content');
}

function parse<T>(read: () => T): T {
  try {
    return read();
  } catch {
    throw new Pkcs12Error('Pkcs12Malformed', 'the content is not a PKCS#12 structure');
  }
}

function berOf(value: { toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer } }): Buffer {
  return Buffer.from(value.toSchema().toBER(false));
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
