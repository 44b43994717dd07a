import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTlsMaterial, SniCertificates, type TlsMaterial } from './index.ts';

let dir: string;
let material: TlsMaterial;
let server: https.Server;
let port: number;
const asked: string[] = [];
const wanted = new Set(['blue.localhost', 'green.localhost']);

const loopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vo-sni-'));
  material = await ensureTlsMaterial({ dir, hostnames: ['configured.localhost'] });
  const sni = new SniCertificates({
    ca: { certPem: material.caPem, keyPem: await readFile(material.caKeyFile, 'utf8') },
    defaultCertPem: material.certPem,
    wants: async (name) => {
      asked.push(name);
      return wanted.has(name);
    },
  });
  server = https.createServer(
    { key: material.keyPem, cert: material.certPem, SNICallback: sni.callback },
    (_q, r) => r.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** GETs `/` as `host`, trusting only the CA; resolves with the certificate the server presented. */
function peerCertificate(host: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    https
      .get({ host, port, ca: material.caPem, lookup: loopback, agent: false }, (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate();
        res.resume();
        res.on('end', () => (cert ? resolve(cert) : reject(new Error('no certificate'))));
      })
      .on('error', reject);
  });
}

describe('SniCertificates', () => {
  it('issues a certificate for a wanted name that a client trusting only the CA accepts', async () => {
    const cert = await peerCertificate('blue.localhost');
    expect(cert.subjectAltName).toBe('DNS:blue.localhost');
    expect(cert.checkIssued(new X509Certificate(material.caPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('serves the same certificate again without asking, and one per name', async () => {
    const first = await peerCertificate('blue.localhost');
    const calls = asked.length;
    expect((await peerCertificate('blue.localhost')).fingerprint256).toBe(first.fingerprint256);
    expect(asked.length).toBe(calls);
    expect((await peerCertificate('green.localhost')).fingerprint256).not.toBe(first.fingerprint256);
  });

  it('issues once for handshakes racing on a new name', async () => {
    wanted.add('race.localhost');
    const certs = await Promise.all([1, 2, 3, 4].map(() => peerCertificate('race.localhost')));
    expect(new Set(certs.map((c) => c.fingerprint256)).size).toBe(1);
    expect(asked.filter((name) => name === 'race.localhost')).toHaveLength(1);
  });

  it('gives names of the default certificate and unwanted names the default certificate', async () => {
    const configured = await peerCertificate('configured.localhost');
    expect(configured.fingerprint256).toBe(new X509Certificate(material.certPem).fingerprint256);
    expect(asked).not.toContain('configured.localhost');
    await expect(peerCertificate('unknown.localhost')).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
