import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPkcs12, readPkcs12 } from './pkcs12.ts';
import { pkijs } from './x509-provider.ts';

// PFX files as OpenSSL writes them: PBES2 (AES) by default, 3DES/RC2 with -legacy.
const dir = mkdtempSync(join(tmpdir(), 'vaultover-pkcs12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
openssl(
  ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('k.pem'), '-out', file('c.pem')],
  ...['-subj', '/CN=pkcs12', '-days', '30'],
);
// A second, unrelated certificate stands for the chain (its bag needs no key).
openssl(
  ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca-k.pem'), '-out', file('ca.pem')],
  ...['-subj', '/CN=pkcs12-ca', '-days', '30'],
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

const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

/** Each bag of a password-less PFX: its type and the DER (hex) of each localKeyID value it carries. */
async function bagsOf(der: Buffer): Promise<{ bagId: string; localKeyIds: string[] }[]> {
  const pfx = pkijs.PFX.fromBER(der);
  await pfx.parseInternalValues({ password: new ArrayBuffer(0), checkIntegrity: true });
  const safe = pfx.parsedValue?.authenticatedSafe;
  await safe?.parseInternalValues({ safeContents: [{}] });
  return (safe?.parsedValue?.safeContents ?? []).flatMap(({ value }: { value: pkijs.SafeContents }) =>
    value.safeBags.map((bag: pkijs.SafeBag) => ({
      bagId: bag.bagId,
      localKeyIds: (bag.bagAttributes ?? [])
        .filter((attribute: pkijs.Attribute) => attribute.type === LOCAL_KEY_ID)
        .flatMap((attribute: pkijs.Attribute) =>
          attribute.values.map((v: { toBER(sizeOnly?: boolean): ArrayBuffer }) =>
            Buffer.from(v.toBER(false)).toString('hex'),
          ),
        ),
    })),
  );
}

describe('buildPkcs12', () => {
  const leafDer = () => Buffer.from(new X509Certificate(readFileSync(file('c.pem'))).raw);
  const keyDer = () => createPrivateKey(readFileSync(file('k.pem'))).export({ type: 'pkcs8', format: 'der' });

  it('gives the key bag and the leaf bag the same localKeyID, and the chain bags none', async () => {
    const chainDer = Buffer.from(new X509Certificate(readFileSync(file('ca.pem'))).raw);
    const bags = await bagsOf(await buildPkcs12(leafDer(), keyDer(), [chainDer]));
    expect(bags.map((bag) => bag.bagId)).toEqual([
      '1.2.840.113549.1.12.10.1.1',
      '1.2.840.113549.1.12.10.1.3',
      '1.2.840.113549.1.12.10.1.3',
    ]);
    const [key, leaf, chain] = bags;
    expect(key?.localKeyIds).toEqual(['040401000000']);
    expect(leaf?.localKeyIds).toEqual(key?.localKeyIds);
    expect(chain?.localKeyIds).toEqual([]);
  });

  it('is read by openssl: -clcerts gives the leaf alone, -nocerts the key, -cacerts the chain', async () => {
    const chainDer = Buffer.from(new X509Certificate(readFileSync(file('ca.pem'))).raw);
    writeFileSync(file('built.pfx'), await buildPkcs12(leafDer(), keyDer(), [chainDer]));
    const read = (...options: string[]) =>
      openssl('pkcs12', '-in', file('built.pfx'), '-passin', 'pass:', ...options).toString();
    const leafOut = read('-clcerts', '-nokeys');
    expect(certificatesIn(leafOut)).toEqual([leafDer().toString('base64')]);
    expect(certificatesIn(read('-cacerts', '-nokeys'))).toEqual([chainDer.toString('base64')]);
    const keyOut = read('-nocerts', '-nodes');
    expect(certificatesIn(keyOut)).toEqual([]);
    const keyBlock = keyOut.match(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/)?.[0];
    expect(keyBlock).toBeDefined();
    const exported = createPrivateKey(keyBlock ?? '').export({ type: 'pkcs8', format: 'der' });
    expect(exported.equals(keyDer())).toBe(true);
  });
});

/** The base64 DER of every CERTIFICATE block of PEM text, in order. */
function certificatesIn(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((match) =>
    Buffer.from(new X509Certificate(match[0]).raw).toString('base64'),
  );
}
