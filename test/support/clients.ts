import { lookup as dnsLookup } from 'node:dns';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { TestRegion } from './region.ts';

/**
 * `*.localhost` does not resolve on every machine (it does not here: ENOTFOUND), so vault hosts are
 * resolved by hand to the loopback address. Only the address lookup is replaced: the TLS handshake
 * still sends SNI `<vault>.localhost` and Node still verifies the certificate against that name
 * and the region's CA.
 */
export const loopbackLookup: LookupFunction = (_hostname, options, callback) =>
  dnsLookup('127.0.0.1', options, callback);

const credentials = new WeakMap<TestRegion, Map<string, VaultoverCredential>>();

/** One credential per region and principal, so that tokens are cached as a real app's would be. */
export function credentialFor(region: TestRegion, principal: string): VaultoverCredential {
  let byPrincipal = credentials.get(region);
  if (!byPrincipal) {
    byPrincipal = new Map();
    credentials.set(region, byPrincipal);
  }
  let credential = byPrincipal.get(principal);
  if (!credential) {
    credential = new VaultoverCredential({ principal, dataDir: region.dataDir });
    byPrincipal.set(principal, credential);
  }
  return credential;
}

/**
 * The real SecretClient of `@azure/keyvault-secrets`, trusting the region's CA (never
 * NODE_TLS_REJECT_UNAUTHORIZED=0) and with the challenge's resource check off (it names
 * vault.azure.net). Retries are off so that an unexpected 5xx fails the test at once.
 *
 * For `https://<vault>.localhost:<port>`: the pipeline's `agent` option wins over `tlsOptions`
 * (ts-http-runtime's NodeHttpClient uses `request.agent ?? cachedAgent(tlsSettings)`), so the agent
 * carries the CA itself and a `lookup` that sends the name to 127.0.0.1. Checked to work and to keep
 * certificate verification on: the same client with another CA fails with
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE (see secrets-sdk.test.ts).
 */
export function secretClient(
  region: TestRegion,
  principal: string,
  vaultUrl: string = region.url,
  options: SecretClientOptions = {},
): SecretClient {
  return new SecretClient(vaultUrl, credentialFor(region, principal), {
    ...clientOptions(region, vaultUrl),
    ...options,
  });
}

/** Options every SDK client of the tests gets: the region's CA, the challenge's resource check off, no retries. */
export function clientOptions(region: TestRegion, vaultUrl: string) {
  const host = new URL(vaultUrl).hostname;
  const plain = host === 'localhost' || host === '127.0.0.1';
  return {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    ...(plain
      ? { tlsOptions: { ca: region.ca } }
      : { agent: new https.Agent({ ca: region.ca, lookup: loopbackLookup, keepAlive: false }) }),
  };
}

export interface RawRequest {
  method?: string;
  /** Path and query exactly as sent on the wire (nothing is re-encoded). */
  path: string;
  /** Host name to connect to and verify the certificate for; default `localhost`. Resolved to 127.0.0.1. */
  hostname?: string;
  /**
   * Name to verify the certificate against when it differs from `hostname` (node:https otherwise
   * takes it from a custom Host header, which then has to be in the certificate).
   */
  servername?: string;
  /** Principal whose bearer token to send; none ⇒ an unauthenticated request. */
  principal?: string;
  headers?: Record<string, string | number>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Send the body with `Transfer-Encoding: chunked` (no Content-Length), in 64 KiB writes. */
  chunked?: boolean;
  /** Send a body without any Content-Type (by default a body goes as `application/json`). */
  noContentType?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed body when it was JSON, else undefined. */
  json: unknown;
}

/** One HTTPS request with node:https (trusting the region's CA), to see wire details the SDK hides. */
export async function rawRequest(region: TestRegion, request: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.principal) {
    const token = await credentialFor(region, request.principal).getToken('https://vault.azure.net/.default');
    headers.authorization = `Bearer ${token.token}`;
  }
  let body: Buffer | undefined;
  if (request.body !== undefined) {
    body =
      typeof request.body === 'string' || Buffer.isBuffer(request.body)
        ? Buffer.from(request.body)
        : Buffer.from(JSON.stringify(request.body));
    if (!request.noContentType) headers['content-type'] ??= 'application/json';
    if (!request.chunked) headers['content-length'] ??= body.length;
  }
  return new Promise<RawResponse>((resolve, reject) => {
    const req = https.request(
      {
        method: request.method ?? 'GET',
        hostname: request.hostname ?? 'localhost',
        port: region.port,
        path: request.path,
        headers,
        ca: region.ca,
        ...(request.servername ? { servername: request.servername } : {}),
        lookup: loopbackLookup,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (/json/.test(String(res.headers['content-type'])) && text) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body && request.chunked) {
      for (let offset = 0; offset < body.length; offset += 65_536)
        req.write(body.subarray(offset, offset + 65_536));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** `?api-version=<latest>` to append to raw paths. */
export const API = 'api-version=2026-04-01';

/** Moves the region's simulated clock forward through the admin API, as an operator would. */
export async function shiftTime(region: TestRegion, shift: { days?: number; seconds?: number }) {
  const response = await rawRequest(region, {
    method: 'POST',
    path: '/admin/time/shift',
    principal: 'admin',
    body: shift,
  });
  if (response.status !== 200) throw new Error(`time shift failed: ${response.status} ${response.text}`);
  return response.json as { now: string; offsetSeconds: number; rescheduledPurges: number };
}
