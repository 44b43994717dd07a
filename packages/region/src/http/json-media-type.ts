import type { IncomingHttpHeaders } from 'node:http';
import { UnsupportedMediaTypeError } from '@vaultover/vault';

/**
 * Refuses (415) a request body the service would not read as JSON: the REST specifications declare
 * `consumes: application/json` for every operation, the SDKs always send it, and the real service answers
 * a body without a Content-Type with 415 (docs/vault-api.md, "Request bodies"). Only UTF-8 is read, and
 * no content coding. A request without a body (no Content-Length above 0, no Transfer-Encoding) needs
 * none of this.
 */
export function requireJsonMediaType(headers: IncomingHttpHeaders): void {
  const hasBody = Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  const coding = headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    throw new UnsupportedMediaTypeError(
      `The Content-Encoding '${shown(coding)}' is not supported: send the body uncompressed.`,
    );
  }
  const contentType = headers['content-type'];
  if (!contentType) {
    throw new UnsupportedMediaTypeError(
      'The request contains an entity body but no Content-Type header; send it as application/json.',
    );
  }
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() !== 'application/json') {
    throw new UnsupportedMediaTypeError(
      `The request entity's media type '${shown(mediaType)}' is not supported for this resource; ` +
        'send application/json.',
    );
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    if (name.toLowerCase() !== 'charset') continue;
    const charset = value.replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new UnsupportedMediaTypeError(
        `The charset '${shown(charset)}' is not supported: send the body in UTF-8.`,
      );
    }
  }
}

/** A client's header value, shortened for a message. */
function shown(value: string): string {
  return value.slice(0, 60);
}
