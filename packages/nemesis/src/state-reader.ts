import type { SecretClient } from '@azure/keyvault-secrets';
import type { Clock } from '@vaultover/foundation';
import type { FinalState, Operation } from '@vaultover/history';
import { statusOf } from './sdk-answer.ts';

/** Calls at once while reading a state back: enough to be quick, few enough for a busy deployment. */
const CONCURRENCY = 8;

/** How long a read of the state keeps trying while the deployment answers 503 (a region just restarted). */
const READ_DEADLINE_MS = 30_000;

/**
 * Runs `read` until it completes, again after an answer of 503 or none at all, for READ_DEADLINE_MS: the
 * state is read once the faults are healed, and a region may take a moment to serve again after its
 * Redis came back. What the state holds is the checker's business, not whether it could be read at once.
 */
export async function untilServed<T>(read: () => Promise<T>, clock: Clock): Promise<T> {
  const deadline = clock.now() + READ_DEADLINE_MS;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      const status = statusOf(error);
      if ((status !== undefined && status !== 503) || clock.now() > deadline) throw error;
      await clock.sleep(500);
    }
  }
}

/**
 * Every value each key holds in its versions, read through `client` (the SDK's own retries on): the
 * version list of each key, then each version's value.
 */
export async function readState(client: SecretClient, keys: readonly string[]): Promise<FinalState> {
  const versions: { key: string; version: string }[] = [];
  for (const key of keys) {
    try {
      for await (const properties of client.listPropertiesOfSecretVersions(key))
        versions.push({ key, version: properties.version as string });
    } catch (error) {
      // A key whose only write never happened has no versions: it holds nothing.
      if (statusOf(error) !== 404) throw error;
    }
  }
  return valuesOfVersions(client, versions, true);
}

/**
 * The values of the versions `writes` created, those that are there, read one by one: a read-only
 * secondary serves a secret's versions (SecretGet) but not their list (SecretListVersions).
 */
export function readWrittenVersions(client: SecretClient, writes: readonly Operation[]): Promise<FinalState> {
  const versions = writes
    .filter((write) => write.version !== undefined)
    .map((write) => ({ key: write.key, version: write.version as string }));
  return valuesOfVersions(client, versions, false);
}

/** Gets each version's value; a version that is not there is left out, unless `mustExist`. */
async function valuesOfVersions(
  client: SecretClient,
  versions: readonly { key: string; version: string }[],
  mustExist: boolean,
): Promise<FinalState> {
  const values = new Map<string, string[]>();
  let next = 0;
  const worker = async () => {
    while (next < versions.length) {
      const { key, version } = versions[next++] as { key: string; version: string };
      try {
        const secret = await client.getSecret(key, { version });
        values.set(key, [...(values.get(key) ?? []), secret.value as string]);
      } catch (error) {
        if (mustExist || statusOf(error) !== 404) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { valuesOf: (key) => values.get(key) ?? [] };
}
