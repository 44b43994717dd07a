import { BadParameterError } from '@vaultover/vault';

// A host name or bracketed IPv6 address with an optional port, nothing else: ids and next links are
// built from it, so anything that could smuggle another origin (`@`, `/`, quotes) is refused.
const HOST_HEADER =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** `https://<host>` of the request, from a Host header checked to be only a host and port. */
export function requestOrigin(host: string | undefined): string {
  if (!host || !HOST_HEADER.test(host)) throw badHost();
  return `https://${host}`;
}

/** The answer to a request whose Host header is missing or more than a host and port. */
export function badHost(): BadParameterError {
  return new BadParameterError('The Host header must be a host name or address with an optional port.');
}
