import type { TokenCredential } from '@azure/core-auth';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Clock, Random } from '@vaultover/foundation';
import { CHANGE_KINDS, type OperationKind } from '@vaultover/history';
import type { AnswerFields, HistoryRecorder } from './history-recorder.ts';
import { AnswerHeaders, changeFailure, statusOf } from './sdk-answer.ts';

/** Where the workload runs and how hard. */
export interface WorkloadOptions {
  /** The global endpoint (the default vault). */
  vaultUrl: string;
  ca: string;
  /** A principal that may read, write, delete, recover and use keys (`officer`). */
  credential: TokenCredential;
  /** Clients running at once, each one operation at a time. */
  clients: number;
  /** Secrets the reads, writes and lists share: fewer keys, more contention per key. */
  keys: number;
  /** Pause between one client's operations, ms. */
  pauseMs: number;
  /** How long one operation may take before it counts as unanswered, ms. */
  timeoutMs: number;
  /** The deployment's replication mode: whether a 503 may follow a commit (changeFailure). */
  mode: 'sync' | 'async';
  random: Random;
  clock: Clock;
  recorder: HistoryRecorder;
}

/** The share of each kind in a client's operations. */
const MIX: readonly (readonly [OperationKind, number])[] = [
  ['write', 30],
  ['read', 35],
  ['list', 5],
  ['delete', 8],
  ['recover', 8],
  ['crypto', 14],
];
/** Secrets that are deleted and recovered, apart from the register keys (a delete would end a register). */
const LIFECYCLE_KEYS = 4;
const CRYPTO_KEY = 'nemesis-rsa';
const ALGORITHM = 'RSA-OAEP-256';

export const registerKey = (n: number) => `nemesis-${n}`;
const lifecycleKey = (n: number) => `nemesis-life-${n}`;

/** The SDK clients' options: the deployment's CA, no retries (the history records every attempt). */
function clientOptions(ca: string) {
  return { tlsOptions: { ca }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
}

/** A running workload: its clients stop after the operation they are in. */
export interface Workload {
  stop(): Promise<void>;
}

/**
 * Writes every register key once (recorded as the `setup` process, so reads of the first values are
 * explained), creates the lifecycle secrets and the crypto key, then starts the clients.
 */
export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const secrets = new SecretClient(options.vaultUrl, options.credential, clientOptions(options.ca));
  const keys = new KeyClient(options.vaultUrl, options.credential, {
    ...clientOptions(options.ca),
    retryOptions: { maxRetries: 3 },
  });
  const setup = new Client('setup', options, secrets, undefined);
  for (let n = 0; n < options.keys; n++) await setup.write(registerKey(n));
  // Not in the history: a lifecycle key is deleted and recovered, so no final state can show its value.
  for (let n = 0; n < LIFECYCLE_KEYS; n++) await secrets.setSecret(lifecycleKey(n), 'deleted and recovered');
  const key = await keys.createRsaKey(CRYPTO_KEY, { keySize: 2048 });
  const crypto = new CryptographyClient(key, options.credential, clientOptions(options.ca));
  let running = true;
  const loops = Array.from({ length: options.clients }, async (_, n) => {
    const client = new Client(`c${n}`, options, secrets, crypto);
    while (running) {
      await client.any();
      await options.clock.sleep(options.pauseMs);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** One client: one operation at a time, each recorded invoke → ok | fail | unknown. */
class Client {
  readonly #process: string;
  readonly #options: WorkloadOptions;
  readonly #secrets: SecretClient;
  readonly #crypto: CryptographyClient | undefined;
  #written = 0;

  constructor(process: string, options: WorkloadOptions, secrets: SecretClient, crypto?: CryptographyClient) {
    this.#process = process;
    this.#options = options;
    this.#secrets = secrets;
    this.#crypto = crypto;
  }

  async any(): Promise<void> {
    const kind = this.#pick();
    const key = registerKey(Math.floor(this.#options.random() * this.#options.keys));
    const life = lifecycleKey(Math.floor(this.#options.random() * LIFECYCLE_KEYS));
    switch (kind) {
      case 'write':
        return this.write(key);
      case 'read':
        return this.#read(key);
      case 'list':
        return this.#list(key);
      case 'delete':
        return this.#change('delete', life, (call) => this.#secrets.beginDeleteSecret(life, call));
      case 'recover':
        return this.#change('recover', life, (call) => this.#secrets.beginRecoverDeletedSecret(life, call));
      case 'crypto':
        return this.#roundTrip();
    }
  }

  async write(key: string): Promise<void> {
    const value = `${this.#process}:${++this.#written}`;
    await this.#run('write', key, value, async (call, answer) => {
      const secret = await this.#secrets.setSecret(key, value, call);
      answer.ok({ version: secret.properties.version });
    });
  }

  async #read(key: string): Promise<void> {
    await this.#run('read', key, undefined, async (call, answer) => {
      try {
        answer.ok({ value: (await this.#secrets.getSecret(key, call)).value });
      } catch (error) {
        // Found nothing is an answer too: the checker tells whether it could be.
        if (statusOf(error) !== 404) throw error;
        answer.seeError(error);
        answer.ok({ value: undefined });
      }
    });
  }

  async #list(key: string): Promise<void> {
    await this.#run('list', key, undefined, async (call, answer) => {
      const versions: string[] = [];
      for await (const properties of this.#secrets.listPropertiesOfSecretVersions(key, call))
        versions.push(properties.version as string);
      answer.ok({ versions });
    });
  }

  async #change(kind: 'delete' | 'recover', key: string, send: (call: CallOptions) => Promise<unknown>) {
    await this.#run(kind, key, undefined, async (call, answer) => {
      await send(call);
      answer.ok({});
    });
  }

  async #roundTrip(): Promise<void> {
    const crypto = this.#crypto as CryptographyClient;
    const plaintext = `${this.#process}:${++this.#written}`;
    await this.#run('crypto', CRYPTO_KEY, plaintext, async (call, answer) => {
      const { result } = await crypto.encrypt(
        { algorithm: ALGORITHM, plaintext: Buffer.from(plaintext) },
        call,
      );
      const decrypted = await crypto.decrypt({ algorithm: ALGORITHM, ciphertext: result }, call);
      answer.ok({ result: Buffer.from(decrypted.result).toString() });
    });
  }

  /** Runs one SDK call under a deadline and records how it ended. */
  async #run(
    kind: OperationKind,
    key: string,
    value: string | undefined,
    body: (call: CallOptions, answer: Answer) => Promise<void>,
  ): Promise<void> {
    const headers = new AnswerHeaders();
    const call = {
      abortSignal: AbortSignal.timeout(this.#options.timeoutMs),
      onResponse: headers.onResponse,
    };
    const invocation = this.#options.recorder.invoke(this.#process, kind, key, value);
    const answer: Answer = {
      ok: (fields) => invocation.ok({ ...headers.fields, ...fields }),
      seeError: (error) => headers.seeError(error),
    };
    try {
      await body(call, answer);
    } catch (error) {
      headers.seeError(error);
      // A read, list or round trip that failed changed nothing; only its answer is lost.
      if (CHANGE_KINDS.has(kind) && changeFailure(error, this.#options.mode) === 'unknown')
        invocation.unknown(headers.fields);
      else invocation.fail(headers.fields);
    }
  }

  #pick(): OperationKind {
    const total = MIX.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.#options.random() * total;
    for (const [kind, weight] of MIX) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'read';
  }
}

/** The options one SDK call gets: its deadline, and where its answers' headers go. */
interface CallOptions {
  abortSignal: AbortSignal;
  onResponse: AnswerHeaders['onResponse'];
}

/** How a call's body reports its success (with what it saw), or the answer of an error it handled. */
interface Answer {
  ok(fields: AnswerFields): void;
  seeError(error: unknown): void;
}
