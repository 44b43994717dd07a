import { type SecretClient, SecretClient as SecretClientClass } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import { expectRestError } from './expect-rest-error.ts';
import type { Narrator } from './narrator.ts';

/** Where the demo's vault is and how to reach it. */
export interface DemoTarget {
  vaultUrl: string;
  ca: string;
  dataDir: string;
  /** Moves the region's simulated clock forward. */
  shiftTime(days: number): Promise<void>;
}

const SECRET = 'db-password';

/**
 * The demo's story for one region: secrets with versions through the real SDK, access control,
 * soft delete with its name lock, recover, backup/restore, and a 7-day retention played out by the
 * scheduled purge after a time shift. Every step checks what the service answered.
 */
export async function runSecretsStory(narrator: Narrator, target: DemoTarget): Promise<void> {
  const as = (principal: string) => client(target, principal);
  const officer = as('officer');
  const admin = as('admin');

  await narrator.step(
    `officer sets secret "${SECRET}", then a second version`,
    async () => {
      await officer.setSecret(SECRET, 'first-password');
      return officer.setSecret(SECRET, 'second-password', { tags: { owner: 'payments' } });
    },
    (s) => `version ${s.properties.version?.slice(0, 8)}…`,
  );

  await narrator.step(
    'app reads the latest value',
    async () => {
      const secret = await as('app').getSecret(SECRET);
      if (secret.value !== 'second-password') throw new Error('app did not read the latest version');
      return secret;
    },
    (s) => `(${s.value?.length} characters, the second version)`,
  );

  await narrator.step(
    'reader lists secrets but may not read values',
    async () => {
      const names: string[] = [];
      for await (const properties of as('reader').listPropertiesOfSecrets()) names.push(properties.name);
      const refusal = await expectRestError(() => as('reader').getSecret(SECRET), 403);
      return { names, refusal };
    },
    (r) =>
      `lists [${r.names.join(', ')}]; get → ${r.refusal.status} ${r.refusal.code} (${r.refusal.innerCode})`,
  );

  await narrator.step(
    'officer deletes it: soft delete keeps it recoverable',
    async () => {
      const poller = await officer.beginDeleteSecret(SECRET);
      return poller.pollUntilDone();
    },
    (d) => `purge scheduled for ${d.properties.scheduledPurgeDate?.toISOString().slice(0, 10)}`,
  );

  await narrator.step(
    'the name stays taken while it is deleted',
    () => expectRestError(() => officer.setSecret(SECRET, 'x'), 409),
    (r) => `set → ${r.status} ${r.code} (${r.innerCode})`,
  );

  await narrator.step(
    'admin recovers it, with every version',
    async () => {
      await (await admin.beginRecoverDeletedSecret(SECRET)).pollUntilDone();
      let versions = 0;
      for await (const _ of admin.listPropertiesOfSecretVersions(SECRET)) versions++;
      return versions;
    },
    (versions) => `${versions} versions back`,
  );

  const backup = await narrator.step(
    'officer backs it up (an opaque, encrypted blob)',
    async () => {
      const blob = await officer.backupSecret(SECRET);
      if (!blob) throw new Error('backup returned nothing');
      return blob;
    },
    (blob) => `${blob.length} bytes`,
  );

  await narrator.step(
    'deleted, then 8 simulated days pass: the scheduled purge removes it',
    async () => {
      await (await officer.beginDeleteSecret(SECRET)).pollUntilDone();
      const started = performance.now();
      await target.shiftTime(8);
      await waitUntilGone(admin);
      return performance.now() - started;
    },
    (ms) => `purged ${Math.round(ms)} ms after the time shift`,
  );

  await narrator.step(
    'officer restores the backup into the freed name',
    async () => {
      const restored = await officer.restoreSecretBackup(backup);
      const value = (await as('app').getSecret(SECRET)).value;
      if (value !== 'second-password') throw new Error('restored secret has the wrong value');
      return restored;
    },
    (s) => `version ${s.version?.slice(0, 8)}… is back`,
  );
}

function client(target: DemoTarget, principal: string): SecretClient {
  return new SecretClientClass(
    target.vaultUrl,
    new VaultoverCredential({ principal, dataDir: target.dataDir }),
    {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: target.ca },
      retryOptions: { maxRetries: 0 },
    },
  );
}

async function waitUntilGone(admin: SecretClient, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      await admin.getDeletedSecret(SECRET);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the scheduled purge did not run within ${deadlineMs} ms`);
}
