import type { RedisInstance } from '@vaultover/local-redis';
import { LATEST_API_VERSION } from '@vaultover/region';
import type { RunningChild } from '../child/start-child.ts';
import { expectSuccess } from '../https-once.ts';
import { issueToken, profileFlags } from '../servers/bench-stack.ts';
import { startRegionEnvironment } from '../servers/region-environment.ts';
import type { ServerInfo } from '../servers/server-info.ts';
import type { SuiteContext } from '../suite.ts';

// Crypto Officer: may create keys and use them.
const PRINCIPAL = 'officer';

/** A key the suite created, and the versioned path its operations are posted to. */
export interface BenchKey {
  name: string;
  version: string;
}

/** Redis and one region node in its own process, with an RSA-2048 and an EC P-256 key. */
export interface CryptoEnvironment {
  readonly redis: RedisInstance;
  readonly region: RunningChild<ServerInfo>;
  readonly caPem: string;
  readonly token: string;
  readonly rsa: BenchKey;
  readonly ec: BenchKey;
  /** `RSA-OAEP` ciphertext of 32 bytes under the RSA key, for decrypt requests. */
  readonly ciphertext: string;
  stop(): Promise<void>;
}

export async function startCryptoEnvironment(context: SuiteContext): Promise<CryptoEnvironment> {
  const base = await startRegionEnvironment(context, 'vaultover-bench-crypto-', profileFlags(context));
  try {
    const { region, caPem } = base;
    const token = await issueToken(base.dataDir, PRINCIPAL);
    const post = async (path: string, body: unknown) =>
      JSON.parse(
        await expectSuccess(`POST ${path}`, {
          port: region.info.port,
          caPem,
          headers: { authorization: `Bearer ${token}` },
          method: 'POST',
          path: `${path}?api-version=${LATEST_API_VERSION}`,
          body,
        }),
      );
    const versionOf = (bundle: { key: { kid: string } }) => bundle.key.kid.split('/').at(-1) ?? '';
    context.progress('creating bench-rsa (RSA-2048) and bench-ec (EC P-256)…');
    const rsa = {
      name: 'bench-rsa',
      version: versionOf(await post('/keys/bench-rsa/create', { kty: 'RSA', key_size: 2048 })),
    };
    const ec = {
      name: 'bench-ec',
      version: versionOf(await post('/keys/bench-ec/create', { kty: 'EC', crv: 'P-256' })),
    };
    const encrypted = await post(`/keys/bench-rsa/${rsa.version}/encrypt`, {
      alg: 'RSA-OAEP',
      value: Buffer.alloc(32, 7).toString('base64url'),
    });
    return { ...base, token, rsa, ec, ciphertext: encrypted.value as string };
  } catch (error) {
    await base.stop();
    throw error;
  }
}
