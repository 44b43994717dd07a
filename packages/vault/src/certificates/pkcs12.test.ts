import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPkcs12, readPkcs12 } from './pkcs12.ts';

// PFX files as OpenSSL writes them: PBES2 (AES) by default, 3DES/RC2 with -legacy.
const dir = mkdtempSync(join(tmpdir(), 'vaultover-pkcs12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
openssl(
  ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('k.pem'), '-out', file('c.pem')],
  ...['-subj', '/CN=pkcs12', '-days', '30'],
);
const pfx = (name: string, ...options: string[]) => {
  openssl('pkcs12', '-export', '-in', file('c.pem'), '-inkey', file('k.pem'), '-out', file(name), ...options);
  return readFileSync(file(name));
};
const modern = pfx('modern.pfx', '-passout', 'pass:right');
const legacy = pfx('legacy.pfx', '-legacy', '-passout', 'pass:right');

describe('readPkcs12', () => {
  it('opens a PBES2 PFX with its password, and the PFX it builds itself without one', async () => {
    const contents = await readPkcs12(modern, 'right');
    expect(contents.privateKeyDer).toBeInstanceOf(Buffer);
    expect(contents.certificates).toHaveLength(1);
    const rebuilt = await buildPkcs12(contents.certificates[0] as Buffer, contents.privateKeyDer);
    expect((await readPkcs12(rebuilt)).certificates).toEqual(contents.certificates);
  });

  it('says Pkcs12PasswordWrong when the password does not open it', async () => {
    await expect(readPkcs12(modern, 'wrong')).rejects.toMatchObject({ code: 'Pkcs12PasswordWrong' });
    await expect(readPkcs12(modern)).rejects.toMatchObject({ code: 'Pkcs12PasswordWrong' });
  });

  it('says Pkcs12CipherUnsupported for a legacy cipher, before trying to decrypt it', async () => {
    await expect(readPkcs12(legacy, 'right')).rejects.toMatchObject({ code: 'Pkcs12CipherUnsupported' });
  });

  it('says Pkcs12Malformed for what is not a PFX', async () => {
    await expect(readPkcs12(Buffer.from('not a pfx at all'))).rejects.toMatchObject({
      code: 'Pkcs12Malformed',
    });
    await expect(readPkcs12(modern.subarray(0, modern.length - 40), 'right')).rejects.toMatchObject({
      code: 'Pkcs12Malformed',
    });
  });
});
