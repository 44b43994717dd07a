import type { SecretClient } from '@azure/keyvault-secrets';
import type { FinalState, Operation } from '@vaultover/history';

/** Calls at once while reading a state back: enough to be quick, few enough for a busy deployment. */
const CONCURRENCY = 8;

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
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
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
        if (mustExist || (error as { statusCode?: number }).statusCode !== 404) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { valuesOf: (key) => values.get(key) ?? [] };
}
