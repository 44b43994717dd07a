import { describe, expect, it } from 'vitest';
import { objectNotFound } from '../object-errors.ts';
import { KEY } from '../object-kind.ts';
import type { CertificatePolicy } from './certificate-policy.ts';
import type { CertificateStoreDeps } from './certificate-store.ts';
import { reusableKey } from './version-keys.ts';

const policy = { key_props: { reuse_key: true, kty: 'RSA', key_size: 2048 } } as CertificatePolicy;

/** reusableKey over a key repository whose `latest` fails with `error`. */
function reusing(error: unknown) {
  const keys = { latest: async () => Promise.reject(error) };
  return reusableKey(
    { keys, sealer: {} } as unknown as Pick<CertificateStoreDeps, 'keys' | 'sealer'>,
    'v',
    'c',
    policy,
  );
}

describe('reusableKey', () => {
  it('has nothing to reuse when there is no key of that name', async () => {
    expect(await reusing(objectNotFound(KEY, 'c'))).toBeUndefined();
  });

  it('lets any other failure through instead of making a new key in silence', async () => {
    const failure = new Error('Connection is closed.');
    await expect(reusing(failure)).rejects.toBe(failure);
  });
});
