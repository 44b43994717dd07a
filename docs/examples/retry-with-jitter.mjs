// A client of one's own for `vaultover load --client mine:module=docs/examples/retry-with-jitter.mjs`
// (or `module:` in a scenario): the SDK's own retries off, and a hand-written retry loop with
// exponential back-off and full jitter around each call. docs/load.md explains the ctx it gets.
import { SecretClient } from '@azure/keyvault-secrets';

const ATTEMPTS = 4;
const BASE_MS = 100;
const CAP_MS = 2_000;

/** One SecretClient per endpoint and credential: built once, as an app builds its client once. */
const clients = new Map();

function clientFor(ctx) {
  let client = clients.get(ctx.endpoint);
  if (!client) {
    // ctx.clientOptions trusts the deployment's CA and counts each attempt for the load's records.
    client = new SecretClient(ctx.endpoint, ctx.credential, {
      ...ctx.clientOptions,
      retryOptions: { maxRetries: 0 },
    });
    clients.set(ctx.endpoint, client);
  }
  return client;
}

/** Worth another try: throttled, a server error, or no answer at all. */
function transient(error) {
  const status = error?.statusCode;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Sleeps `ms`, or less when the call is aborted. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function once(ctx, client) {
  if (ctx.operation === 'set') return client.setSecret(ctx.name, ctx.value, { abortSignal: ctx.signal });
  try {
    return await client.getSecret(ctx.name, { abortSignal: ctx.signal });
  } catch (error) {
    // The first get of a fresh deployment finds nothing: write it, and the next attempt reads it.
    if (error?.code === 'SecretNotFound')
      await client.setSecret(ctx.name, ctx.value, { abortSignal: ctx.signal });
    throw error;
  }
}

export default async function call(ctx) {
  const client = clientFor(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(ctx, client);
    } catch (error) {
      if (attempt >= ATTEMPTS || ctx.signal.aborted || !transient(error)) throw error;
      // Full jitter: a random wait up to the exponential bound, so that clients do not retry in step.
      await sleep(Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt), ctx.signal);
    }
  }
}
