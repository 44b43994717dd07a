import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AttestationAuthority, ensureAttestationKey } from '@vaultover/auth/attestation';
import { systemClock } from '@vaultover/foundation';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { writeStdout } from '../cli/stdout.ts';
import { readEndpoints } from '../control-client/control-client.ts';

/** Options of `vaultover attest`. */
export interface AttestOptions {
  /** The claims, a JSON object. */
  claims?: string | undefined;
  /** A file with the public key to wrap released keys to: PEM (a public or private key) or a JWK. */
  key?: string | undefined;
  /** A file to write a new RSA private key to (PKCS#8 PEM, 0600); the token carries its public half. */
  newKey?: string | undefined;
  /** The token's issuer; default: the deployment's global endpoint. */
  authority?: string | undefined;
  endpoints?: string | undefined;
  /** Token lifetime in seconds (default 3600). */
  ttl?: number | undefined;
  cwd?: string | undefined;
}

const DEFAULT_TTL_SECONDS = 3600;
const usage = (message: string) => new CliError(message, { exitCode: EXIT.usage });

/**
 * `vaultover attest --claims '{…}' (--key FILE | --new-key FILE)`: prints an attestation token of the
 * deployment's attestation authority (its key in the data directory, which the region nodes publish and
 * trust), asserting the claims given and carrying the key to wrap a released key to under
 * `x-ms-runtime.keys`, as a Microsoft Azure Attestation token does.
 */
export async function runAttest(options: AttestOptions): Promise<number> {
  const claims = parseClaims(options.claims ?? '{}');
  if ((options.key === undefined) === (options.newKey === undefined)) {
    throw usage(
      'give the key to wrap released keys to: --key FILE (PEM or JWK), or --new-key FILE to make one',
    );
  }
  const cwd = options.cwd ?? process.cwd();
  const endpointsPath = resolve(cwd, options.endpoints ?? join('.vaultover', 'endpoints.json'));
  const endpoints = await readEndpoints(endpointsPath, options.endpoints !== undefined);
  const issuer = options.authority ?? endpoints.gateway;
  if (issuer === null || !URL.canParse(issuer)) {
    throw usage(`${endpointsPath} names no global endpoint: pass --authority URL`);
  }
  const publicKey =
    options.key !== undefined
      ? await readPublicKey(resolve(cwd, options.key))
      : await newKeyPair(resolve(cwd, options.newKey ?? ''));
  const authority = new AttestationAuthority(await ensureAttestationKey(endpoints.dataDir), systemClock);
  const token = await authority.issue({
    issuer,
    claims,
    runtimeKeys: [
      {
        ...(publicKey.export({ format: 'jwk' }) as JsonWebKey),
        kid: 'vaultover-attest',
        key_ops: ['encrypt'],
      },
    ],
    ttlSeconds: options.ttl ?? DEFAULT_TTL_SECONDS,
  });
  await writeStdout(`${token}\n`);
  return EXIT.ok;
}

function parseClaims(text: string): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch {
    throw usage(`--claims must be a JSON object, e.g. '{"sdk-test": true}'`);
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw usage(`--claims must be a JSON object, e.g. '{"sdk-test": true}'`);
  }
  for (const reserved of ['iss', 'iat', 'nbf', 'exp', 'x-ms-runtime']) {
    if (reserved in claims) throw usage(`--claims may not set '${reserved}': the authority sets it`);
  }
  return claims as Record<string, unknown>;
}

/** The RSA public key of a PEM (public or private key) or JWK file. */
async function readPublicKey(path: string): Promise<KeyObject> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw usage(`cannot read --key ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  });
  let key: KeyObject;
  try {
    key = text.trimStart().startsWith('{')
      ? createPublicKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
      : createPublicKey(text);
  } catch {
    throw usage(`--key ${path} is neither a PEM key nor a JSON Web Key`);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw usage(`--key ${path} is not an RSA key: released keys are wrapped with RSA-OAEP`);
  return key;
}

/** A new RSA key pair; the private key goes to `path` (never over an existing file). */
async function newKeyPair(path: string): Promise<KeyObject> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  await writeFile(path, pem, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw usage(
      code === 'EEXIST'
        ? `--new-key ${path} exists; name a new file`
        : `cannot write --new-key ${path} (${code})`,
    );
  });
  return publicKey;
}
