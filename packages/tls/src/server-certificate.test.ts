import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from './certificate-authority.ts';
import { subjectNamesFor } from './hostnames.ts';
import { issueServerCertificate, subjectNamesOf } from './server-certificate.ts';

describe('subjectNamesOf', () => {
  it('reads back every DNS and IP name a server certificate was issued for, canonicalised', async () => {
    const now = new Date();
    const ca = await createCertificateAuthority(now);
    const names = subjectNamesFor(['vault.localhost', 'fd00::1', '10.1.2.3']);
    const { certPem } = await issueServerCertificate(ca, names, now);
    expect(subjectNamesOf(certPem)).toEqual(names);
  });

  it('reads no names from a certificate without subject alternative names', async () => {
    const ca = await createCertificateAuthority(new Date());
    expect(subjectNamesOf(ca.certPem)).toEqual([]);
  });
});
