import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey as NodeJwk,
  constants as nodeCrypto,
  privateDecrypt,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyClient, KeyReleasePolicy } from '@azure/keyvault-keys';
import { AttestationAuthority, type AttestationKey, ensureAttestationKey } from '@vaultover/auth/attestation';
import { runCliProcess } from '@vaultover/cli/test-support';
import { httpsJson, systemClock } from '@vaultover/foundation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient, sdkJwk } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// Secure key release end to end with the real KeyClient of @azure/keyvault-keys: exportable keys with a
// release policy, tokens of the deployment's attestation authority (the region's data directory holds its
// key, as it does for `vaultover attest`), the released key unwrapped with the target's private key.

let region: TestRegion;
let admin: KeyClient;
let authority: AttestationAuthority;
/** The key pair of the "enclave" the key is released to. */
const target = generateKeyPairSync('rsa', { modulusLength: 2048 });
const targetJwk = { ...(target.publicKey.export({ format: 'jwk' }) as NodeJwk), kid: 'enclave-key' };

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 13 });
  admin = keyClient(region, 'admin');
  authority = new AttestationAuthority(await ensureAttestationKey(region.dataDir), systemClock);
});

afterAll(async () => {
  await region?.close();
});

function policy(rules: object, immutable?: boolean): KeyReleasePolicy {
  return { encodedPolicy: Buffer.from(JSON.stringify({ version: '1.0.0', anyOf: [rules] })), immutable };
}

/** Released when the token says `sdk-test: true` and names an SGX or SEV-SNP environment. */
const SDK_TEST_POLICY = (immutable?: boolean) =>
  policy(
    {
      authority: region.url,
      allOf: [
        { claim: 'sdk-test', equals: 'true' },
        {
          anyOf: [
            { claim: 'x-ms-attestation-type', equals: 'sgx' },
            { claim: 'x-ms-isolation-tee.x-ms-attestation-type', equals: 'sevsnpvm' },
          ],
        },
      ],
    },
    immutable,
  );

/** An RSA-HSM key released under SDK_TEST_POLICY. */
const releasableRsaKey = (name: string) =>
  admin.createRsaKey(name, { hsm: true, exportable: true, releasePolicy: SDK_TEST_POLICY() });

function token(claims: Record<string, unknown>, options: { issuer?: string; ttlSeconds?: number } = {}) {
  return authority.issue({
    issuer: options.issuer ?? region.url,
    claims,
    runtimeKeys: [targetJwk],
    ttlSeconds: options.ttlSeconds ?? 600,
  });
}

const GOOD_CLAIMS = { 'sdk-test': true, 'x-ms-attestation-type': 'sgx' };

interface ReleasePayload {
  request: { 'api-version': string; enc: string; kid: string; nonce?: string };
  response: {
    key: {
      key: {
        kid: string;
        kty: string;
        n?: string;
        e?: string;
        crv?: string;
        x?: string;
        y?: string;
        key_hsm: string;
      };
      attributes: { exportable: boolean };
      release_policy: { contentType: string; data: string; immutable: boolean };
    };
  };
}

/** The JWS's payload, after checking its signature with the certificate of its `x5c` (the region's). */
function openRelease(jws: string): ReleasePayload {
  const [header, payload, signature] = jws.split('.');
  if (!header || !payload || !signature) throw new Error('not a compact JWS');
  const { alg, x5c, x5t } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
    alg: string;
    x5c: string[];
    x5t: string;
  };
  expect(alg).toBe('ES256');
  expect(x5t).toBe(
    createHash('sha1')
      .update(Buffer.from(x5c[0] ?? '', 'base64'))
      .digest('base64url'),
  );
  const leaf = new X509Certificate(Buffer.from(x5c[0] ?? '', 'base64'));
  expect(leaf.checkIssued(new X509Certificate(region.ca))).toBe(true);
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as ReleasePayload;
}

const OAEP_HASH = {
  CKM_RSA_AES_KEY_WRAP: 'sha1',
  RSA_AES_KEY_WRAP_256: 'sha256',
  RSA_AES_KEY_WRAP_384: 'sha384',
};

/** The released private key: OAEP-decrypt the AES key with the target's key, then RFC 5649 unwrap. */
function unwrapReleased(keyHsm: string) {
  const blob = JSON.parse(Buffer.from(keyHsm, 'base64url').toString()) as {
    schema_version: string;
    header: { kid: string; alg: string; enc: keyof typeof OAEP_HASH };
    ciphertext: string;
  };
  expect(blob.schema_version).toBe('1.0');
  expect(blob.header).toMatchObject({ kid: 'enclave-key', alg: 'dir' });
  const ciphertext = Buffer.from(blob.ciphertext, 'base64url');
  const aesKey = privateDecrypt(
    {
      key: target.privateKey,
      padding: nodeCrypto.RSA_PKCS1_OAEP_PADDING,
      oaepHash: OAEP_HASH[blob.header.enc],
    },
    ciphertext.subarray(0, 256),
  );
  const unwrap = createDecipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  const der = Buffer.concat([unwrap.update(ciphertext.subarray(256)), unwrap.final()]);
  return { enc: blob.header.enc, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
}

describe('KeyClient: creating exportable keys', () => {
  it('returns the policy re-serialised, with its content type, and exportable in the attributes', async () => {
    const key = await releasableRsaKey('skr-created');
    expect(key.properties.exportable).toBe(true);
    expect(key.properties.releasePolicy?.contentType).toBe('application/json; charset=utf-8');
    expect(key.properties.releasePolicy?.immutable).toBe(false);
    const stored = JSON.parse(Buffer.from(key.properties.releasePolicy?.encodedPolicy ?? []).toString());
    expect(Object.keys(stored)).toEqual(['version', 'anyOf']);
    expect(Object.keys(stored.anyOf[0])).toEqual(['authority', 'allOf']);
    const read = await admin.getKey('skr-created');
    expect(read.properties.releasePolicy?.encodedPolicy).toEqual(key.properties.releasePolicy?.encodedPolicy);
  });

  it('refuses an exportable key without a policy (AKV.SKR.1004)', async () => {
    const error = await expectRestError(
      admin.createRsaKey('skr-nopolicy', { exportable: true }),
      400,
      'BadParameter',
    );
    expect(error.message).toBe('AKV.SKR.1004: Exportable keys must have release policy.');
  });

  it('refuses a policy on a key that is not exportable before reading the policy (AKV.SKR.1005)', async () => {
    const garbage: KeyReleasePolicy = { encodedPolicy: Buffer.from('not json at all') };
    for (const releasePolicy of [SDK_TEST_POLICY(), garbage]) {
      const error = await expectRestError(
        admin.createRsaKey('skr-notexportable', { releasePolicy }),
        400,
        'BadParameter',
      );
      expect(error.message).toBe('AKV.SKR.1005: Non-exportable keys must not have release policy.');
    }
  });

  it('refuses a policy outside the grammar', async () => {
    const noVersion: KeyReleasePolicy = { encodedPolicy: Buffer.from(JSON.stringify({ anyOf: [] })) };
    const error = await expectRestError(
      admin.createRsaKey('skr-badpolicy', { exportable: true, releasePolicy: noVersion }),
      400,
      'BadParameter',
    );
    expect(error.message).toBe(`Invalid release_policy: 'version' must be "1.0.0".`);
  });

  it('keeps an immutable policy (AKV.SKR.1020) and lets a mutable one change', async () => {
    const mutable = await releasableRsaKey('skr-mutable');
    const replaced = policy({ authority: region.url, anyOf: [{ claim: 'sdk-test', equals: 'false' }] });
    const updated = await admin.updateKeyProperties('skr-mutable', mutable.properties.version ?? '', {
      releasePolicy: replaced,
    });
    expect(
      JSON.parse(Buffer.from(updated.properties.releasePolicy?.encodedPolicy ?? []).toString()),
    ).toMatchObject({
      anyOf: [{ anyOf: [{ claim: 'sdk-test', equals: 'false' }] }],
    });

    const plain = await admin.createRsaKey('skr-plain-update', { hsm: true });
    const notExportable = await expectRestError(
      admin.updateKeyProperties('skr-plain-update', plain.properties.version ?? '', {
        releasePolicy: replaced,
      }),
      400,
      'BadParameter',
    );
    expect(notExportable.message).toBe('AKV.SKR.1005: Non-exportable keys must not have release policy.');

    await admin.createRsaKey('skr-immutable', {
      hsm: true,
      exportable: true,
      releasePolicy: SDK_TEST_POLICY(true),
    });
    const error = await expectRestError(
      admin.updateKeyProperties('skr-immutable', '', { releasePolicy: replaced }),
      400,
      'BadParameter',
    );
    expect(error.message).toBe('AKV.SKR.1020: Immutable Key Release Policy cannot be modified.');
  });

  it('carries the policy through backup and restore', async () => {
    const created = await admin.createEcKey('skr-backup', {
      hsm: true,
      exportable: true,
      releasePolicy: SDK_TEST_POLICY(),
    });
    const backup = await admin.backupKey('skr-backup');
    await (await admin.beginDeleteKey('skr-backup', { intervalInMs: 10 })).pollUntilDone();
    await admin.purgeDeletedKey('skr-backup');
    const restored = await admin.restoreKeyBackup(backup ?? new Uint8Array());
    expect(restored.properties.exportable).toBe(true);
    expect(restored.properties.releasePolicy).toEqual(created.properties.releasePolicy);
  });
});

describe('KeyClient.releaseKey', () => {
  it('releases an RSA key wrapped for the token’s runtime key, in every enc the spec lists', async () => {
    const key = await releasableRsaKey('skr-rsa');
    const version = key.properties.version ?? '';
    for (const algorithm of [
      'CKM_RSA_AES_KEY_WRAP',
      'RSA_AES_KEY_WRAP_256',
      'RSA_AES_KEY_WRAP_384',
    ] as const) {
      const result = await admin.releaseKey('skr-rsa', await token(GOOD_CLAIMS), {
        version,
        algorithm,
        nonce: 'n-1',
      });
      const payload = openRelease(result.value);
      expect(payload.request).toEqual({
        'api-version': expect.any(String),
        enc: algorithm,
        kid: `${region.url}/keys/skr-rsa/${version}`,
        nonce: 'n-1',
      });
      expect(payload.response.key.key.kid).toBe(key.id);
      expect(payload.response.key.attributes.exportable).toBe(true);
      const released = unwrapReleased(payload.response.key.key.key_hsm);
      expect(released.enc).toBe(algorithm);
      // The released private key is the vault key's: its public half is the key's public JWK.
      const publicJwk = createPublicKey(released.privateKey).export({ format: 'jwk' });
      expect(publicJwk.n).toBe(Buffer.from(key.key?.n ?? []).toString('base64url'));
    }
  });

  it('releases the latest version of an EC key by default, and its signatures verify with the vault key', async () => {
    const key = await admin.createEcKey('skr-ec', {
      hsm: true,
      curve: 'P-384',
      exportable: true,
      releasePolicy: SDK_TEST_POLICY(),
    });
    const sevSnp = { 'sdk-test': 'true', 'x-ms-isolation-tee': { 'x-ms-attestation-type': 'sevsnpvm' } };
    const payload = openRelease((await admin.releaseKey('skr-ec', await token(sevSnp))).value);
    expect(payload.request.enc).toBe('CKM_RSA_AES_KEY_WRAP');
    expect(payload.request.kid).toBe(`${region.url}/keys/skr-ec`);
    const { privateKey } = unwrapReleased(payload.response.key.key.key_hsm);
    const signature = sign('sha384', Buffer.from('released'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const vaultKey = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-384',
        x: Buffer.from(key.key?.x ?? []).toString('base64url'),
        y: Buffer.from(key.key?.y ?? []).toString('base64url'),
      },
      format: 'jwk',
    });
    expect(
      verify('sha384', Buffer.from('released'), { key: vaultKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(true);
  });

  it('releases an imported key: the private key that comes out is the one that went in', async () => {
    const imported = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const jwk = imported.privateKey.export({ format: 'jwk' }) as NodeJwk;
    await admin.importKey('skr-imported', sdkJwk(jwk, { kty: 'RSA-HSM' }), {
      exportable: true,
      releasePolicy: SDK_TEST_POLICY(),
    });
    const payload = openRelease((await admin.releaseKey('skr-imported', await token(GOOD_CLAIMS))).value);
    const released = unwrapReleased(payload.response.key.key.key_hsm).privateKey.export({ format: 'jwk' });
    expect(released.d).toBe(jwk.d);
  });

  it('refuses a token whose claims do not satisfy the policy', async () => {
    await releasableRsaKey('skr-claims');
    for (const claims of [
      { 'sdk-test': false, 'x-ms-attestation-type': 'sgx' },
      { 'sdk-test': true, 'x-ms-attestation-type': 'tdx' },
      {},
    ]) {
      const error = await expectRestError(
        admin.releaseKey('skr-claims', await token(claims)),
        403,
        'Forbidden',
      );
      expect(innerCode(error)).toBe('ReleasePolicyNotSatisfied');
      expect(error.message).toContain('its claims do not meet the conditions of its authority');
    }
  });

  it('refuses a token of an issuer the policy does not name', async () => {
    await releasableRsaKey('skr-issuer');
    const other = await token(GOOD_CLAIMS, { issuer: 'https://sharedeus.eus.attest.azure.net' });
    const error = await expectRestError(admin.releaseKey('skr-issuer', other), 403, 'Forbidden');
    expect(innerCode(error)).toBe('ReleasePolicyNotSatisfied');
    expect(error.message).toContain('its issuer is not an authority of the policy');
  });

  it('refuses a token signed by another authority', async () => {
    await releasableRsaKey('skr-forged');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgedKey: AttestationKey = {
      privateKey,
      publicJwk: { ...(createPublicKey(privateKey).export({ format: 'jwk' }) as object), kid: 'other' },
    };
    const forged = await new AttestationAuthority(forgedKey, systemClock).issue({
      issuer: region.url,
      claims: GOOD_CLAIMS,
      runtimeKeys: [targetJwk],
      ttlSeconds: 600,
    });
    const error = await expectRestError(admin.releaseKey('skr-forged', forged), 403, 'Forbidden');
    expect(innerCode(error)).toBe('AttestationAuthorityUnknown');
  });

  it('refuses an expired token', async () => {
    await releasableRsaKey('skr-expired');
    const expired = await token(GOOD_CLAIMS, { ttlSeconds: -60 });
    const error = await expectRestError(admin.releaseKey('skr-expired', expired), 403, 'Forbidden');
    expect(innerCode(error)).toBe('AttestationTokenExpired');
  });

  it('needs the data action keys/release/action: a Crypto Officer has it, a Crypto User does not', async () => {
    await releasableRsaKey('skr-rbac');
    const released = await keyClient(region, 'officer').releaseKey('skr-rbac', await token(GOOD_CLAIMS));
    expect(openRelease(released.value).response.key.key.kid).toContain('/keys/skr-rbac/');
    const app = keyClient(region, 'app');
    const error = await expectRestError(
      app.releaseKey('skr-rbac', await token(GOOD_CLAIMS)),
      403,
      'Forbidden',
    );
    expect(innerCode(error)).toBe('ForbiddenByRbac');
    expect(error.message).toContain('Microsoft.KeyVault/vaults/keys/release/action');
  });

  it('refuses a key that is not exportable, even for a token that would release it', async () => {
    await admin.createRsaKey('skr-plain', { hsm: true });
    const error = await expectRestError(
      admin.releaseKey('skr-plain', await token(GOOD_CLAIMS)),
      403,
      'Forbidden',
    );
    expect(innerCode(error)).toBe('KeyNotExportable');
  });

  it('refuses a target that is not a token with the service text, before it looks for the key', async () => {
    await releasableRsaKey('skr-garbage');
    for (const name of ['skr-garbage', 'skr-never-created']) {
      const error = await expectRestError(admin.releaseKey(name, 'not.a.token'), 403, 'Forbidden');
      expect(innerCode(error)).toBe('AccessDenied');
      expect(error.message).toBe('Target environment attestation statement cannot be verified.');
    }
  });
});

describe('vaultover attest', () => {
  beforeAll(async () => {
    // The endpoints file of a deployment whose global endpoint is this region.
    const endpoints = {
      gateway: region.url,
      control: null,
      caFile: region.node.caFile,
      dataDir: region.dataDir,
    };
    await writeFile(join(region.dataDir, 'endpoints.json'), JSON.stringify(endpoints));
  });

  it('issues a token with the claims given, for a key pair it makes, that releases the key', async () => {
    await releasableRsaKey('skr-cli');
    const claims = JSON.stringify({
      'sdk-test': true,
      'x-ms-isolation-tee': { 'x-ms-attestation-type': 'sevsnpvm' },
    });
    const args = ['attest', '--endpoints', 'endpoints.json', '--claims', claims, '--new-key', 'enclave.pem'];
    const { code, stdout, stderr } = await runCliProcess(args, region.dataDir);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = await admin.releaseKey('skr-cli', stdout.trim());
    const blob = JSON.parse(
      Buffer.from(openRelease(result.value).response.key.key.key_hsm, 'base64url').toString(),
    );
    const ciphertext = Buffer.from(blob.ciphertext, 'base64url');
    const enclaveKey = createPrivateKey(await readFile(join(region.dataDir, 'enclave.pem'), 'utf8'));
    const aesKey = privateDecrypt({ key: enclaveKey, oaepHash: 'sha1' }, ciphertext.subarray(0, 256));
    const unwrap = createDecipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
    const der = Buffer.concat([unwrap.update(ciphertext.subarray(256)), unwrap.final()]);
    expect(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe('rsa');
  });

  it('carries the public key of --key, PEM or JWK, and the claims at the top level', async () => {
    await writeFile(
      join(region.dataDir, 'enclave.pub.pem'),
      target.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    await writeFile(join(region.dataDir, 'enclave.jwk'), JSON.stringify(targetJwk));
    for (const file of ['enclave.pub.pem', 'enclave.jwk']) {
      const args = [
        'attest',
        '--endpoints',
        'endpoints.json',
        '--claims',
        '{"tee":"sgx","svn":2}',
        '--key',
        file,
        '--ttl',
        '120',
      ];
      const { code, stdout, stderr } = await runCliProcess(args, region.dataDir);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const claims = JSON.parse(Buffer.from(stdout.split('.')[1] ?? '', 'base64url').toString());
      expect(claims).toMatchObject({
        iss: region.url,
        tee: 'sgx',
        svn: 2,
        'x-ms-runtime': { keys: [{ n: targetJwk.n }] },
      });
      expect(claims.exp - claims.iat).toBe(120);
    }
  });

  it('refuses claims that are not a JSON object, and a missing key', async () => {
    const bad = await runCliProcess(['attest', '--claims', '[1]', '--new-key', 'x.pem'], region.dataDir);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({
      code: 2,
      stderr: `vaultover: --claims must be a JSON object, e.g. '{"sdk-test": true}'\n`,
    });
    const noKey = await runCliProcess(['attest', '--claims', '{}'], region.dataDir);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--key FILE (PEM or JWK), or --new-key FILE');
  });
});

describe('the attestation authority', () => {
  it('publishes its OpenID metadata and a JWKS that verifies its tokens', async () => {
    const config = await httpsJson({
      method: 'GET',
      url: `${region.url}/.well-known/openid-configuration`,
      ca: region.ca,
    });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ issuer: region.url, jwks_uri: `${region.url}/certs` });
    const jwks = await httpsJson({ method: 'GET', url: `${region.url}/certs`, ca: region.ca });
    const [published] = (jwks.body as { keys: (NodeJwk & { kid: string })[] }).keys;
    const issued = await token(GOOD_CLAIMS);
    const [header, payload, signature] = issued.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      kid: published?.kid,
      jku: `${region.url}/certs`,
    });
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: published as NodeJwk, format: 'jwk' }),
      Buffer.from(signature ?? '', 'base64url'),
    );
    expect(valid).toBe(true);
  });
});
