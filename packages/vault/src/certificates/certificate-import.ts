import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { BadParameterError } from '../errors.ts';
import { RSA_KEY_SIZES } from '../keys/key-types.ts';
import { openPemKey, PemError, readPem } from './pem.ts';
import { Pkcs12Error } from './pkcs12-error.ts';
import type { ContentType } from './policy-rules.ts';

// Reads what `POST /certificates/{name}/import` carries: a base64 PFX, or PEM text when the policy's
// contentType is application/x-pem-file (the SDK sends PEM as it is and PFX bytes as base64).

/** An imported certificate with its private key: the key pair of the new version. */
export interface ImportedCertificate {
  privateKey: KeyObject;
  /** The certificate whose public key is the private key's (the leaf). */
  certificateDer: Buffer;
  certificate: X509Certificate;
}

const PEM_FORMAT =
  'The specified PEM X.509 certificate content is in an unexpected format. Please check if certificate is in valid PEM format.';
const PFX_FORMAT =
  'The specified PKCS#12 X.509 certificate content can not be read. Please check if certificate is in valid PKCS#12 format.';
const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Whether an import value is PEM text rather than a base64 PFX. */
export function isPem(value: string): boolean {
  return value.trimStart().startsWith('-----BEGIN ');
}

export async function readImport(
  value: string,
  password: string | undefined,
  contentType: ContentType,
  nowMs: number,
): Promise<ImportedCertificate> {
  const { privateKey, certificates } =
    contentType === 'application/x-pem-file' ? fromPem(value, password) : await fromPfx(value, password);
  const leaf = certificates
    .map((der) => ({ der, cert: new X509Certificate(der) }))
    .find((c) => c.cert.checkPrivateKey(privateKey));
  if (!leaf)
    throw new BadParameterError(
      'The private key in the certificate content does not belong to any of its certificates.',
    );
  if (new Date(leaf.cert.validTo).getTime() <= nowMs)
    throw new BadParameterError(
      `The certificate expired on ${new Date(leaf.cert.validTo).toISOString()}; expired certificates cannot be imported.`,
    );
  requireSupportedKey(privateKey);
  return { privateKey, certificateDer: leaf.der, certificate: leaf.cert };
}

function fromPem(value: string, password: string | undefined) {
  let contents: ReturnType<typeof readPem>;
  try {
    contents = readPem(value);
  } catch (error) {
    if (error instanceof PemError) throw new BadParameterError(PEM_FORMAT);
    throw error;
  }
  if (!contents.privateKeyPem) throw noPrivateKey();
  const privateKey = openPemKey(contents.privateKeyPem, password);
  if (!privateKey)
    throw new BadParameterError(`${PEM_FORMAT} The private key cannot be read (or its password is wrong).`);
  return { privateKey, certificates: contents.certificates };
}

async function fromPfx(value: string, password: string | undefined) {
  if (!/^[A-Za-z0-9+/=\s_-]+$/.test(value))
    throw new BadParameterError(`${PFX_FORMAT} The value is not base64.`);
  try {
    const { readPkcs12 } = await import('./pkcs12.ts');
    const contents = await readPkcs12(Buffer.from(value, 'base64'), password ?? '');
    if (!contents.privateKeyDer) throw noPrivateKey();
    const privateKey = createPrivateKey({ key: contents.privateKeyDer, format: 'der', type: 'pkcs8' });
    contents.privateKeyDer.fill(0);
    if (contents.certificates.length === 0)
      throw new BadParameterError(`${PFX_FORMAT} It holds no certificate.`);
    return { privateKey, certificates: contents.certificates };
  } catch (error) {
    if (!(error instanceof Pkcs12Error)) throw error;
    if (error.code === 'Pkcs12PasswordWrong')
      throw new BadParameterError(`${PFX_FORMAT} The password is not correct for this content.`);
    throw new BadParameterError(`${PFX_FORMAT} Detail: ${error.message}.`);
  }
}

function noPrivateKey(): BadParameterError {
  return new BadParameterError(
    'The specified certificate content has no private key. Key Vault imports only PEM or PFX content that includes the private key.',
  );
}

/** A vault holds RSA keys of 2048, 3072 or 4096 bits and EC keys on P-256, P-384 or P-521. */
function requireSupportedKey(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (
    key.asymmetricKeyType === 'rsa' &&
    (RSA_KEY_SIZES as readonly number[]).includes(details.modulusLength ?? 0)
  )
    return;
  if (key.asymmetricKeyType === 'ec' && SUPPORTED_CURVES.has(details.namedCurve ?? '')) return;
  throw new BadParameterError(
    `The certificate's key (${key.asymmetricKeyType} ${details.modulusLength ?? details.namedCurve ?? ''}) is not one a vault holds: RSA 2048, 3072, 4096 or EC P-256, P-384, P-521.`,
  );
}
