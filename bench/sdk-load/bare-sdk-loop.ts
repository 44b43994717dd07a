import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { WindowTally } from '../load/load-window.ts';
import type { SdkTarget, SecretMix } from './sdk-load-spec.ts';

// The reference the load generator is held to: the same SDK client doing the same calls, driven by the
// least code that keeps `concurrency` calls in flight, counting only what the window needs.

/** Shaped as the generator's names (`load-<client>`, writes spread over 8 names), but its own. */
const READ_NAME = 'bare-bench';
const WRITE_NAMES = 8;
const PRINCIPAL = 'officer';

/** A prepared loop: the secret it reads exists and the SDK's challenge is behind it. */
export interface BareLoop {
  /** Starts the workers; the promise ends once the tally says `stopping` and every call is back. */
  start(tally: WindowTally): Promise<void>;
}

export async function prepareBareLoop(
  target: SdkTarget,
  mix: SecretMix,
  concurrency: number,
): Promise<BareLoop> {
  // As the load package builds a client for a vault on `localhost` (sdkClientOptions in load-target.ts),
  // without its attempt-counting policy: that policy is the generator's cost, not the SDK's.
  const credential = new VaultoverCredential({ principal: PRINCIPAL, dataDir: target.dataDir });
  const client = new SecretClient(target.vaultUrl, credential, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: target.caPem },
  });
  await client.setSecret(READ_NAME, 'read by the load');
  await client.getSecret(READ_NAME);
  const setShare = (mix.set ?? 0) / ((mix.get ?? 0) + (mix.set ?? 0));
  const write = () =>
    client.setSecret(
      `${READ_NAME}-w${Math.floor(Math.random() * WRITE_NAMES)}`,
      Math.random().toString(36).slice(2),
    );
  const call = () => (Math.random() < setShare ? write() : client.getSecret(READ_NAME));
  return {
    async start(tally) {
      const worker = async () => {
        while (tally.phase !== 'stopping') {
          const started = performance.now();
          try {
            await call();
            tally.success(performance.now() - started);
          } catch (error) {
            tally.failure(String(error));
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
  };
}
