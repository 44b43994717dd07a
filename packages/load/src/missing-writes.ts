import { SecretClient } from '@azure/keyvault-secrets';
import { type LoadTarget, sdkClientOptions, vaultUrlOf } from './load-target.ts';

/** A secret version a client was told it wrote, in a vault of the deployment (`undefined`: the default). */
export interface AcknowledgedWrite {
  readonly vault: string | undefined;
  readonly name: string;
  readonly version: string;
}

/**
 * The acknowledged writes the deployment no longer serves: each version read back through the global
 * endpoint as `principal`, one at a time (a run's writes are few). A 404 is a missing write; any other
 * failure is thrown, since it says nothing about the write.
 */
export async function missingWrites(
  target: LoadTarget,
  writes: readonly AcknowledgedWrite[],
  principal: string,
): Promise<AcknowledgedWrite[]> {
  const clients = new Map<string, SecretClient>();
  const missing: AcknowledgedWrite[] = [];
  for (const write of writes) {
    const url = vaultUrlOf(target, write.vault);
    let client = clients.get(url);
    if (!client) {
      client = new SecretClient(url, target.credential(principal), sdkClientOptions(url, target.ca));
      clients.set(url, client);
    }
    try {
      await client.getSecret(write.name, { version: write.version });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      missing.push(write);
    }
  }
  return missing;
}
