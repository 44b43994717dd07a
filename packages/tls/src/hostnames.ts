import { isIP } from 'node:net';

/** A subject alternative name as it goes into the certificate. */
export interface SubjectName {
  type: 'dns' | 'ip';
  value: string;
}

/**
 * Names every generated server certificate covers, on top of configured ones.
 * Note: Node's and OpenSSL's hostname checks refuse two-label wildcards, so `*.localhost`
 * only helps clients such as browsers and Go; Node clients need each `<name>.localhost` listed.
 */
export const DEFAULT_HOSTNAMES: readonly string[] = ['localhost', '*.localhost', '127.0.0.1', '::1'];

// One optional leading wildcard label, then LDH labels (underscore tolerated, as Docker names use it).
const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Classifies and canonicalises a configured hostname (DNS name, wildcard, IPv4 or IPv6, optionally
 * bracketed) so that equal names compare equal. Throws a TypeError naming the bad entry.
 */
export function toSubjectName(hostname: string): SubjectName {
  const trimmed = hostname.trim();
  const unbracketed = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  const family = isIP(unbracketed);
  if (family !== 0) return { type: 'ip', value: canonicalIp(unbracketed, family) };
  const dns = trimmed.toLowerCase().replace(/\.$/, '');
  if (dns.length > 253 || !DNS_NAME.test(dns)) {
    throw new TypeError(
      `Invalid TLS hostname ${JSON.stringify(hostname)}: expected a DNS name or an IP address`,
    );
  }
  return { type: 'dns', value: dns };
}

/** The defaults plus `extra`, canonicalised and without duplicates, defaults first. */
export function subjectNamesFor(extra: readonly string[]): SubjectName[] {
  return uniqueNames([...DEFAULT_HOSTNAMES, ...extra].map(toSubjectName));
}

/** Removes duplicate names, keeping the first occurrence's position. */
export function uniqueNames(names: readonly SubjectName[]): SubjectName[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = nameKey(name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when every name in `wanted` appears literally in `present`. */
export function coversAll(present: readonly SubjectName[], wanted: readonly SubjectName[]): boolean {
  const keys = new Set(present.map(nameKey));
  return wanted.every((name) => keys.has(nameKey(name)));
}

function nameKey(name: SubjectName): string {
  return `${name.type}:${name.value}`;
}

// The WHATWG URL parser already implements RFC 5952 canonical IPv6 text, so reuse it.
function canonicalIp(ip: string, family: number): string {
  const host = new URL(`http://${family === 6 ? `[${ip}]` : ip}/`).hostname;
  return family === 6 ? host.slice(1, -1) : host;
}
