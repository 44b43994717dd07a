import { isIPv4, isIPv6 } from 'node:net';

/**
 * PROXY protocol version 2 (https://www.haproxy.org/download/2.0/doc/proxy-protocol.txt): the binary
 * header a layer-4 proxy sends before the client's bytes, so the server behind learns who the client is.
 * The global endpoint adds a TLV of its own with the failover epoch it routed the connection under.
 */
export const PROXY_V2_SIGNATURE = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');

/** Signature, version/command, family/transport, length: what must be read before the length is known. */
export const PROXY_V2_FIXED_LENGTH = 16;

/** The epoch TLV: in the range the specification leaves to applications (0xE0–0xEF), 8 bytes big-endian. */
export const PP2_TYPE_VAULTOVER_EPOCH = 0xe0;

// Addresses and ports, then TLVs. A header larger than this is not one the gateway sends.
const MAX_PAYLOAD = 1024;
const VERSION_2 = 0x20;
const COMMAND_LOCAL = 0x00;
const COMMAND_PROXY = 0x01;
const FAMILY_INET_STREAM = 0x11;
const FAMILY_INET6_STREAM = 0x21;
const FAMILY_UNSPEC = 0x00;

/** What a PROXY v2 header said about the connection. */
export interface ProxyHeader {
  /** The client's address and port, when the proxy named them (command PROXY over TCP). */
  readonly source?: { readonly address: string; readonly port: number };
  readonly destination?: { readonly address: string; readonly port: number };
  /** The failover epoch the connection was routed under (the Vaultover TLV). */
  readonly epoch?: number;
}

/**
 * A malformed header: the connection cannot be trusted to be in sync and is dropped. A result, not an
 * exception: this package depends on nothing, so it has no error class of its own to throw.
 */
export interface MalformedProxyHeader {
  readonly malformed: string;
}

const malformed = (why: string): MalformedProxyHeader => ({ malformed: why });

/** Whether a result of {@link proxyHeaderLength} or {@link decodeProxyHeader} says the header is malformed. */
export function isMalformedProxyHeader(result: unknown): result is MalformedProxyHeader {
  return typeof result === 'object' && result !== null && 'malformed' in result;
}

/** Encodes a PROXY (not LOCAL) v2 header for a TCP connection from `source` to `destination`. */
export function encodeProxyHeader(
  header: Required<Pick<ProxyHeader, 'source' | 'destination'>> & ProxyHeader,
): Buffer {
  const addresses = encodeAddresses(header.source, header.destination);
  const tlvs = header.epoch === undefined ? Buffer.alloc(0) : epochTlv(header.epoch);
  const fixed = Buffer.alloc(PROXY_V2_FIXED_LENGTH);
  PROXY_V2_SIGNATURE.copy(fixed);
  fixed[12] = VERSION_2 | COMMAND_PROXY;
  fixed[13] = addresses.family;
  fixed.writeUInt16BE(addresses.bytes.length + tlvs.length, 14);
  return Buffer.concat([fixed, addresses.bytes, tlvs]);
}

/**
 * How many bytes at the start of `data` could still be, or are, a PROXY v2 header: `'not-proxy'` when
 * `data` cannot start with one (a TLS ClientHello), `'more'` when more bytes are needed to tell or to
 * read it whole, `{ malformed }` when it is too long to be one the gateway sends, else the header's
 * total length.
 */
export function proxyHeaderLength(data: Buffer): number | 'more' | 'not-proxy' | MalformedProxyHeader {
  const compared = Math.min(data.length, PROXY_V2_SIGNATURE.length);
  if (!data.subarray(0, compared).equals(PROXY_V2_SIGNATURE.subarray(0, compared))) return 'not-proxy';
  if (data.length < PROXY_V2_FIXED_LENGTH) return 'more';
  const length = data.readUInt16BE(14);
  if (length > MAX_PAYLOAD) return malformed(`a PROXY header of ${length} bytes is too long`);
  const total = PROXY_V2_FIXED_LENGTH + length;
  return data.length < total ? 'more' : total;
}

/**
 * Decodes the complete header at the start of `data` (its length from {@link proxyHeaderLength}), or
 * says why it is malformed.
 */
export function decodeProxyHeader(data: Buffer): ProxyHeader | MalformedProxyHeader {
  const versionCommand = data.readUInt8(12);
  const family = data.readUInt8(13);
  if ((versionCommand & 0xf0) !== VERSION_2) return malformed('not a version 2 PROXY header');
  const command = versionCommand & 0x0f;
  const payload = data.subarray(PROXY_V2_FIXED_LENGTH, PROXY_V2_FIXED_LENGTH + data.readUInt16BE(14));
  if (command === COMMAND_LOCAL) return {}; // a health check of the proxy itself: no client
  if (command !== COMMAND_PROXY) return malformed(`unknown PROXY command ${command}`);
  const addressLength = addressBytes(family);
  if (addressLength === undefined)
    return malformed(`unsupported PROXY address family 0x${family.toString(16)}`);
  if (payload.length < addressLength) return malformed('the PROXY header is truncated');
  const epoch = readEpoch(payload.subarray(addressLength));
  if (isMalformedProxyHeader(epoch)) return epoch;
  return { ...decodeAddresses(family, payload), ...(epoch === undefined ? {} : { epoch }) };
}

function encodeAddresses(
  source: { address: string; port: number },
  destination: { address: string; port: number },
): { family: number; bytes: Buffer } {
  const v4 = (address: string) => isIPv4(address) || isIPv4(unmapped(address));
  if (v4(source.address) && v4(destination.address)) {
    const bytes = Buffer.alloc(12);
    ipv4Bytes(unmapped(source.address)).copy(bytes, 0);
    ipv4Bytes(unmapped(destination.address)).copy(bytes, 4);
    bytes.writeUInt16BE(source.port, 8);
    bytes.writeUInt16BE(destination.port, 10);
    return { family: FAMILY_INET_STREAM, bytes };
  }
  if (isIPv6(source.address) && isIPv6(destination.address)) {
    const bytes = Buffer.alloc(36);
    ipv6Bytes(source.address).copy(bytes, 0);
    ipv6Bytes(destination.address).copy(bytes, 16);
    bytes.writeUInt16BE(source.port, 32);
    bytes.writeUInt16BE(destination.port, 34);
    return { family: FAMILY_INET6_STREAM, bytes };
  }
  // Mixed families (or none known): the specification's UNSPEC, addresses omitted.
  return { family: FAMILY_UNSPEC, bytes: Buffer.alloc(0) };
}

/** How many bytes the addresses of `family` take; undefined for a family the gateway never sends. */
function addressBytes(family: number): number | undefined {
  if (family === FAMILY_INET_STREAM) return 12;
  if (family === FAMILY_INET6_STREAM) return 36;
  if (family === FAMILY_UNSPEC) return 0;
  return undefined;
}

function decodeAddresses(family: number, payload: Buffer): Pick<ProxyHeader, 'source' | 'destination'> {
  if (family === FAMILY_INET_STREAM) {
    return {
      source: { address: [...payload.subarray(0, 4)].join('.'), port: payload.readUInt16BE(8) },
      destination: { address: [...payload.subarray(4, 8)].join('.'), port: payload.readUInt16BE(10) },
    };
  }
  if (family === FAMILY_INET6_STREAM) {
    return {
      source: { address: ipv6Text(payload.subarray(0, 16)), port: payload.readUInt16BE(32) },
      destination: { address: ipv6Text(payload.subarray(16, 32)), port: payload.readUInt16BE(34) },
    };
  }
  return {};
}

function epochTlv(epoch: number): Buffer {
  if (!Number.isSafeInteger(epoch) || epoch < 0)
    throw new RangeError(`epoch ${epoch} is not a non-negative integer`);
  const tlv = Buffer.alloc(11);
  tlv[0] = PP2_TYPE_VAULTOVER_EPOCH;
  tlv.writeUInt16BE(8, 1);
  tlv.writeBigUInt64BE(BigInt(epoch), 3);
  return tlv;
}

/** The epoch TLV's value among `tlvs`; other TLVs (ALPN, authority, …) are skipped. */
function readEpoch(tlvs: Buffer): number | undefined | MalformedProxyHeader {
  let offset = 0;
  let epoch: number | undefined;
  while (offset < tlvs.length) {
    if (offset + 3 > tlvs.length) return malformed('a PROXY TLV is truncated');
    const type = tlvs.readUInt8(offset);
    const length = tlvs.readUInt16BE(offset + 1);
    const value = tlvs.subarray(offset + 3, offset + 3 + length);
    if (value.length !== length) return malformed('a PROXY TLV is truncated');
    if (type === PP2_TYPE_VAULTOVER_EPOCH) {
      if (length !== 8) return malformed('the epoch TLV must be 8 bytes');
      const value64 = value.readBigUInt64BE(0);
      if (value64 > BigInt(Number.MAX_SAFE_INTEGER)) return malformed('the epoch is too large');
      epoch = Number(value64);
    }
    offset += 3 + length;
  }
  return epoch;
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  // Expand `::` and an embedded IPv4 tail into eight 16-bit groups.
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (text: string | undefined) => (text ? text.split(':') : []).flatMap(ipv4Groups);
  const left = groups(head);
  const right = groups(tail);
  const all =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  for (const [i, group] of all.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return bytes;
}

function ipv4Groups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const bytes = ipv4Bytes(group);
  return [bytes.readUInt16BE(0).toString(16), bytes.readUInt16BE(2).toString(16)];
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}
