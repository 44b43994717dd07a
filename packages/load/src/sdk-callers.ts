import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { CertificateClient } from '@azure/keyvault-certificates';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Random } from '@vaultover/foundation';
import type { ClientKind } from './load-spec.ts';
import { sdkClientOptions } from './load-target.ts';

/** Makes one operation of a load client: one call of the real SDK client. */
export interface Caller {
  /** Creates what the reads need, as `setupCredential`'s principal, before any load runs. */
  setup(): Promise<void>;
  /** Resolves with what a write wrote (secrets' `set`), so that a run can check it is still there. */
  call(operation: string, signal: AbortSignal): Promise<Written | undefined>;
}

/** A secret version a call wrote and was told was written. */
export interface Written {
  readonly name: string;
  readonly version: string;
}

export interface CallerOptions {
  kind: ClientKind;
  vaultUrl: string;
  ca: string;
  credential: TokenCredential;
  /** Who creates the objects the reads need: a principal with write rights. */
  setupCredential: TokenCredential;
  /** The SDK client's retryOptions; undefined leaves the SDK's default. */
  retryOptions: PipelineRetryOptions | undefined;
  /** Names the objects of this client (`load-<client>`). */
  baseName: string;
  random: Random;
}

/** How many secret names `set` spreads its writes over (each write is a new version of one of them). */
const WRITE_NAMES = 8;
/** The digest `sign` signs: SHA-256 of a fixed text (the service signs digests, never data). */
const DIGEST = createHash('sha256').update('vaultover load').digest();
/** RSA-OAEP-256: the SDK sends it to the service (it encrypts RSA-OAEP and RSA1_5 locally). */
const ENCRYPT_ALGORITHM = 'RSA-OAEP-256';

export function sdkCaller(options: CallerOptions): Caller {
  switch (options.kind) {
    case 'secrets':
      return secretsCaller(options);
    case 'keys':
      return keysCaller(options);
    case 'certificates':
      return certificatesCaller(options);
  }
}

function clientOptions(options: CallerOptions, retry = true) {
  return {
    ...sdkClientOptions(options.vaultUrl, options.ca),
    ...(retry && options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  };
}

type VaultClientClass<C> = new (
  vaultUrl: string,
  credential: TokenCredential,
  options: ReturnType<typeof clientOptions>,
) => C;

/**
 * The load's client (its principal, its retry policy) and a setup client (the setup principal, the SDK's
 * default retries: setup is not what is measured).
 */
function clientsOf<C>(
  Client: VaultClientClass<C>,
  options: CallerOptions,
): { client: C; setupClient: () => C } {
  return {
    client: new Client(options.vaultUrl, options.credential, clientOptions(options)),
    setupClient: () => new Client(options.vaultUrl, options.setupCredential, clientOptions(options, false)),
  };
}

function secretsCaller(options: CallerOptions): Caller {
  const { client, setupClient } = clientsOf(SecretClient, options);
  const readName = options.baseName;
  return {
    async setup() {
      const setup = setupClient();
      await setup.setSecret(readName, 'read by the load');
      await warmUp(() => client.getSecret(readName));
    },
    async call(operation, abortSignal) {
      if (operation === 'get') await client.getSecret(readName, { abortSignal });
      else if (operation === 'set') {
        const name = `${readName}-w${Math.floor(options.random() * WRITE_NAMES)}`;
        const written = await client.setSecret(name, options.random().toString(36).slice(2), { abortSignal });
        return { name, version: written.properties.version ?? '' };
      } else if (operation === 'list') {
        // One page: one request per call, as a get is, rather than a walk over every page.
        await client.listPropertiesOfSecrets({ abortSignal }).byPage({ maxPageSize: 25 }).next();
      } else throw new TypeError(`secrets cannot ${operation}`);
    },
  };
}

function keysCaller(options: CallerOptions): Caller {
  const { client, setupClient } = clientsOf(KeyClient, options);
  const name = options.baseName;
  let crypto: CryptographyClient | undefined;
  return {
    async setup() {
      const setup = setupClient();
      const key = await setup.createRsaKey(name, { keySize: 2048 });
      crypto = new CryptographyClient(key.id as string, options.credential, clientOptions(options));
      await warmUp(() => client.getKey(name));
      // Its first operation fetches the key (to do what it can locally): that belongs to setup, not a call.
      await warmUp(() => (crypto as CryptographyClient).sign('RS256', DIGEST));
    },
    async call(operation, abortSignal) {
      if (operation === 'get') await client.getKey(name, { abortSignal });
      else if (operation === 'sign') await cryptoOf(crypto).sign('RS256', DIGEST, { abortSignal });
      else if (operation === 'encrypt')
        await cryptoOf(crypto).encrypt({ algorithm: ENCRYPT_ALGORITHM, plaintext: DIGEST }, { abortSignal });
      else throw new TypeError(`keys cannot ${operation}`);
    },
  };
}

function cryptoOf(crypto: CryptographyClient | undefined): CryptographyClient {
  if (!crypto) throw new TypeError('sign and encrypt need setup() first');
  return crypto;
}

function certificatesCaller(options: CallerOptions): Caller {
  const { client, setupClient } = clientsOf(CertificateClient, options);
  const name = options.baseName;
  return {
    async setup() {
      const setup = setupClient();
      const poller = await setup.beginCreateCertificate(
        name,
        { issuerName: 'Self', subject: `CN=${name}` },
        { intervalInMs: 50 },
      );
      await poller.pollUntilDone();
      await warmUp(() => client.getCertificate(name));
    },
    async call(operation, abortSignal) {
      if (operation === 'get') await client.getCertificate(name, { abortSignal });
      else throw new TypeError(`certificates cannot ${operation}`);
    },
  };
}

/**
 * A client's first request answers the SDK's challenge (a token-less request, then the same with a
 * token); made here, it is not inside the first timed call. A failure is left to the load to meet:
 * what counts is that the challenge was learnt.
 */
async function warmUp(call: () => Promise<unknown>): Promise<void> {
  await call().catch(() => undefined);
}
