import type { KeyCryptography, KeyOperationResult, OperationName } from '@vaultover/vault';
import { type DataRoute, ok, type RequestContext } from '../data-route.ts';
import { operationResult } from '../wire/key-wire.ts';

const name = (context: RequestContext) => context.params.name ?? '';

type CipherMethod = 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey' | 'sign';

/** `POST /keys/{n}{/v}/{segment}`: the version is optional because app.ts collapses `/keys/n//encrypt`. */
function cryptoRoute(
  crypto: KeyCryptography,
  segment: string,
  operation: OperationName,
  method: CipherMethod,
): DataRoute {
  return {
    method: 'POST',
    path: `/keys/:name{/:version}/${segment}`,
    operation,
    hasBody: true,
    handle: async (c) => {
      const result: KeyOperationResult = await crypto[method](
        c.vault.name,
        name(c),
        c.params.version,
        c.body,
      );
      return ok(operationResult(c.base, name(c), result.version, result.value));
    },
  };
}

/** Cryptography with stored keys and the vault's random bytes (docs/vault-api.md#keys). */
export function keyCryptoRoutes(crypto: KeyCryptography): DataRoute[] {
  return [
    cryptoRoute(crypto, 'encrypt', 'KeyEncrypt', 'encrypt'),
    cryptoRoute(crypto, 'decrypt', 'KeyDecrypt', 'decrypt'),
    cryptoRoute(crypto, 'wrapkey', 'KeyWrap', 'wrapKey'),
    cryptoRoute(crypto, 'unwrapkey', 'KeyUnwrap', 'unwrapKey'),
    cryptoRoute(crypto, 'sign', 'KeySign', 'sign'),
    {
      method: 'POST',
      path: '/keys/:name{/:version}/verify',
      operation: 'KeyVerify',
      hasBody: true,
      handle: async (c) => {
        const { valid } = await crypto.verify(c.vault.name, name(c), c.params.version, c.body);
        return ok({ value: valid });
      },
    },
    {
      method: 'POST',
      path: '/rng',
      operation: 'RandomBytesGet',
      hasBody: true,
      handle: async (c) => ok({ value: crypto.randomBytes(c.body).toString('base64url') }),
    },
  ];
}
