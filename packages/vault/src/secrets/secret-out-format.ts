import { buildPem } from '../certificates/pem.ts';
import {
  CONTENT_TYPES,
  type ContentType,
  PEM_CONTENT_TYPE,
  PKCS12_CONTENT_TYPE,
} from '../certificates/policy-rules.ts';
import { BadParameterError } from '../errors.ts';
import type { OpenSecret } from './secret-store.ts';

// `GET /secrets/{name}/{version}?outContentType=…` (api-version 2025-07-01): a certificate's managed
// secret in another format on the way out. The REST specification allows application/x-pkcs12 and
// application/x-pem-file, says "only PFX to PEM conversion is supported" and "if an unsupported format
// is specified, the request is rejected". The PEM is the one a PEM-policy certificate's secret holds
// (buildPem: private key, leaf, chain), made from the PFX's own key and certificates.

/**
 * The format asked for, or undefined when none is; a value outside the two is refused, as is the
 * parameter given twice (the query parser's array).
 */
export function requireOutContentType(raw: unknown): ContentType | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw);
  // Media types are case-insensitive (RFC 9110); the SDK sends them in lower case.
  const asked =
    typeof raw === 'string' ? CONTENT_TYPES.find((type) => type === raw.toLowerCase()) : undefined;
  if (!asked)
    throw new BadParameterError(
      `The value '${text.slice(0, 100)}' of parameter 'outContentType' is not supported. ` +
        `Supported values are '${PKCS12_CONTENT_TYPE}' and '${PEM_CONTENT_TYPE}'.`,
    );
  return asked;
}

/**
 * The secret in the format asked for. A secret no certificate manages is answered as stored (the
 * parameter names "the media type of the certificate"), as is one already in that format; a PEM
 * certificate's secret asked for as PKCS#12 is refused, the conversion the service does not make.
 */
export async function inFormat(secret: OpenSecret, asked: ContentType): Promise<OpenSecret> {
  const stored = secret.doc.contentType;
  if (!secret.doc.managed || stored === asked || secret.value === '') return secret;
  if (stored !== PKCS12_CONTENT_TYPE)
    throw new BadParameterError(
      `The certificate content cannot be converted from '${stored}' to '${asked}'. ` +
        'Currently, only PFX to PEM conversion is supported.',
    );
  const { readPkcs12 } = await import('../certificates/pkcs12.ts');
  const contents = await readPkcs12(Buffer.from(secret.value, 'base64'));
  // The managed PFX holds the leaf first, then the rest of its chain (buildPkcs12).
  const [leaf, ...chain] = contents.certificates;
  if (!leaf) throw new Error(`the managed secret ${secret.name}/${secret.version} holds no certificate`);
  const value = buildPem(leaf, contents.privateKeyDer, chain);
  contents.privateKeyDer?.fill(0);
  return { ...secret, value, doc: { ...secret.doc, contentType: PEM_CONTENT_TYPE } };
}
