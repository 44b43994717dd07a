import { describe, expect, it } from 'vitest';
import {
  decodeProxyHeader,
  encodeProxyHeader,
  PROXY_V2_SIGNATURE,
  proxyHeaderLength,
} from './proxy-header.ts';

const v4 = {
  source: { address: '127.0.0.1', port: 51000 },
  destination: { address: '127.0.0.1', port: 8443 },
};

describe('PROXY v2 headers', () => {
  it('round-trips IPv4 addresses and the epoch TLV', () => {
    const header = encodeProxyHeader({ ...v4, epoch: 42 });
    expect(header.subarray(0, 12).equals(PROXY_V2_SIGNATURE)).toBe(true);
    expect(header[12]).toBe(0x21); // version 2, PROXY
    expect(header[13]).toBe(0x11); // TCP over IPv4
    expect(proxyHeaderLength(header)).toBe(header.length);
    expect(decodeProxyHeader(header)).toEqual({ ...v4, epoch: 42 });
  });

  it('round-trips IPv6 addresses, and IPv4-mapped ones as IPv4', () => {
    const v6 = { source: { address: '::1', port: 1 }, destination: { address: 'fe80::1:2', port: 2 } };
    expect(decodeProxyHeader(encodeProxyHeader({ ...v6, epoch: 0 }))).toEqual({
      source: { address: '0:0:0:0:0:0:0:1', port: 1 },
      destination: { address: 'fe80:0:0:0:0:0:1:2', port: 2 },
      epoch: 0,
    });
    const mapped = encodeProxyHeader({
      source: { address: '::ffff:10.0.0.1', port: 3 },
      destination: { address: '127.0.0.1', port: 4 },
    });
    expect(decodeProxyHeader(mapped)).toEqual({
      source: { address: '10.0.0.1', port: 3 },
      destination: { address: '127.0.0.1', port: 4 },
    });
  });

  it('asks for more bytes while a header may still be arriving, and says when there is none', () => {
    const header = encodeProxyHeader({ ...v4, epoch: 7 });
    expect(proxyHeaderLength(header.subarray(0, 5))).toBe('more');
    expect(proxyHeaderLength(header.subarray(0, header.length - 1))).toBe('more');
    // A TLS ClientHello starts with a handshake record (0x16).
    expect(proxyHeaderLength(Buffer.from([0x16, 0x03, 0x01]))).toBe('not-proxy');
  });

  it('says why a header is malformed: too long, a TLV truncated, an unknown family or command', () => {
    const header = encodeProxyHeader({ ...v4, epoch: 7 });
    const long = Buffer.from(header);
    long.writeUInt16BE(5000, 14);
    expect(proxyHeaderLength(long)).toEqual({ malformed: 'a PROXY header of 5000 bytes is too long' });
    const truncated = Buffer.from(header);
    truncated.writeUInt16BE(header.length - 16 - 2, 14);
    expect(decodeProxyHeader(truncated.subarray(0, header.length - 2))).toEqual({
      malformed: 'a PROXY TLV is truncated',
    });
    const family = Buffer.from(header);
    family[13] = 0x31; // AF_UNIX
    expect(decodeProxyHeader(family)).toEqual({ malformed: 'unsupported PROXY address family 0x31' });
    const command = Buffer.from(header);
    command[12] = 0x22;
    expect(decodeProxyHeader(command)).toEqual({ malformed: 'unknown PROXY command 2' });
  });
});
