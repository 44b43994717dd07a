import type { TokenCredential } from '@azure/core-auth';
import { type Clock, seededRandom, systemClock } from '@vaultover/foundation';
import type { IPolicy } from 'cockatiel';
import type { CallSink } from './call-record.ts';
import { CallAborts, runCall } from './call-runner.ts';
import { type ClientSummary, ClientTally } from './client-summary.ts';
import { cockatielPolicy } from './cockatiel-policy.ts';
import { LoadSetupFailedError, LoadSpecInvalidError } from './errors.ts';
import { type LiveFigures, LiveFigureTracker } from './live-figures.ts';
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_PRINCIPAL,
  DEFAULT_TIMEOUT_MS,
  type LoadClientSpec,
  OPERATIONS,
  retriedBy,
} from './load-spec.ts';
import { credentialCache, type LoadTarget, vaultUrlOf } from './load-target.ts';
import { operationMix } from './operation-mix.ts';
import { closedLoop, openLoop } from './pacing.ts';
import { type Caller, sdkCaller } from './sdk-callers.ts';
import { sdkRetryOptions } from './sdk-retry-options.ts';
import { loadUserModule, userCaller } from './user-module.ts';

export interface LoadOptions {
  target: LoadTarget;
  clients: LoadClientSpec[];
  /** Drives every client's operation mix and the values it writes. */
  seed: number;
  /** Every record, as its call ends. */
  onRecord?: CallSink | undefined;
  clock?: Clock | undefined;
  /** Where a client's relative `module` path is taken from. Default the working directory. */
  baseDir?: string | undefined;
  /** Who creates the objects the reads need (needs write rights). Default `officer`. */
  setupPrincipal?: string | undefined;
}

/** A load whose clients are built and whose objects exist, not yet calling. */
export interface PreparedLoad {
  start(): RunningLoad;
}

export interface RunningLoad {
  /** Over every client. */
  figures(): LiveFigures;
  clientFigures(name: string): LiveFigures;
  summaries(): Record<string, ClientSummary>;
  /**
   * Stops starting calls and waits for those in flight, at most `graceMs`; calls still running then are
   * aborted and recorded as `Cancelled`.
   */
  stop(graceMs?: number): Promise<void>;
}

/** How long stop() waits for calls in flight before it aborts them. */
export const DEFAULT_STOP_GRACE_MS = 5_000;

interface PreparedClient {
  spec: LoadClientSpec;
  caller: Caller;
  policy: IPolicy | undefined;
  nextOperation: () => string;
  module: boolean;
}

/**
 * Builds every client (its SDK client with its retry policy, or the user's module) and creates what its
 * reads need. Throws LoadSpecInvalidError for a client that cannot run, LoadSetupFailedError when the
 * deployment refuses the setup.
 */
export async function prepareLoad(options: LoadOptions): Promise<PreparedLoad> {
  const clock = options.clock ?? systemClock;
  const names = new Set<string>();
  const prepared: PreparedClient[] = [];
  const credentialOf = credentialCache(options.target);
  for (const spec of options.clients) {
    if (names.has(spec.name)) throw new LoadSpecInvalidError(`two clients are named ${spec.name}`);
    names.add(spec.name);
    prepared.push(await prepareClient(spec, options, credentialOf));
  }
  try {
    await Promise.all(prepared.map((client) => client.caller.setup()));
  } catch (error) {
    throw new LoadSetupFailedError(`creating what the load reads failed: ${String(error)}`, { cause: error });
  }
  return { start: () => startLoad(prepared, clock, options.onRecord) };
}

async function prepareClient(
  spec: LoadClientSpec,
  options: LoadOptions,
  credentialOf: (principal: string) => TokenCredential,
): Promise<PreparedClient> {
  const { target } = options;
  const seed = (options.seed ^ nameHash(spec.name)) >>> 0;
  // Two sources: the mix's draws do not shift when an operation draws a name or a value.
  const mixRandom = seededRandom(seed);
  const dataRandom = seededRandom(seed + 1);
  const vaultUrl = vaultUrlOf(target, spec.vault);
  const credential = credentialOf(spec.principal ?? DEFAULT_PRINCIPAL);
  const baseName = `load-${spec.name}`;
  checkPacing(spec);
  const module = 'module' in spec.target;
  const allowed = 'kind' in spec.target ? OPERATIONS[spec.target.kind] : undefined;
  const mix = operationMix(spec.operations, mixRandom, allowed);
  const caller =
    'kind' in spec.target
      ? sdkCaller({
          kind: spec.target.kind,
          vaultUrl,
          ca: target.ca,
          credential,
          setupCredential: credentialOf(options.setupPrincipal ?? DEFAULT_PRINCIPAL),
          retryOptions: sdkRetryOptions(spec.retry),
          baseName,
          random: dataRandom,
        })
      : userCaller({
          fn: await loadUserModule(spec.target.module, options.baseDir ?? process.cwd()),
          endpoint: vaultUrl,
          ca: target.ca,
          credential,
          baseName,
          random: dataRandom,
        });
  return {
    spec,
    caller,
    policy: spec.retry.policy === 'cockatiel' ? cockatielPolicy(spec.retry) : undefined,
    nextOperation: () => mix.next(),
    module,
  };
}

function checkPacing(spec: LoadClientSpec): void {
  const { pacing } = spec;
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  if ('rate' in pacing && !positive(pacing.rate))
    throw new LoadSpecInvalidError(`${spec.name}: rate must be a number of calls per second > 0`);
  if ('concurrency' in pacing && !(Number.isSafeInteger(pacing.concurrency) && pacing.concurrency > 0))
    throw new LoadSpecInvalidError(`${spec.name}: concurrency must be a whole number > 0`);
  if (spec.timeoutMs !== undefined && !positive(spec.timeoutMs))
    throw new LoadSpecInvalidError(`${spec.name}: timeout must be > 0`);
}

function startLoad(prepared: PreparedClient[], clock: Clock, onRecord: CallSink | undefined): RunningLoad {
  const stopPacing = new AbortController();
  const aborts = new CallAborts();
  const total = new LiveFigureTracker(() => clock.monotonicNow());
  const running = new Set<Promise<void>>();
  const clients = prepared.map((client) => {
    const figures = new LiveFigureTracker(() => clock.monotonicNow());
    const tally = new ClientTally();
    let inFlight = 0;
    const runner = {
      client: client.spec.name,
      caller: client.caller,
      policy: client.policy,
      timeoutMs: client.spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      clock,
      atLeastOneAttempt: client.module,
    };
    const paced = {
      inFlight: () => inFlight,
      drop() {
        figures.dropped();
        total.dropped();
        tally.drop();
      },
      launch(): Promise<void> {
        inFlight += 1;
        figures.started();
        total.started();
        const call: Promise<void> = runCall(runner, client.nextOperation(), aborts).then((record) => {
          inFlight -= 1;
          running.delete(call);
          figures.ended(record);
          total.ended(record);
          tally.add(record);
          onRecord?.(record);
        });
        running.add(call);
        return call;
      },
    };
    const { pacing } = client.spec;
    const loop =
      'rate' in pacing
        ? openLoop(paced, {
            rate: pacing.rate,
            maxInFlight: pacing.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
            clock,
            stop: stopPacing.signal,
          })
        : closedLoop(paced, { concurrency: pacing.concurrency, stop: stopPacing.signal });
    return { name: client.spec.name, policy: retriedBy(client.spec), figures, tally, loop };
  });
  return {
    figures: () => total.figures(),
    clientFigures(name) {
      const client = clients.find((c) => c.name === name);
      if (!client) throw new LoadSpecInvalidError(`no client ${name}`);
      return client.figures.figures();
    },
    summaries: () =>
      Object.fromEntries(clients.map((client) => [client.name, client.tally.summary(client.policy)])),
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopPacing.abort();
      const drained = Promise.all([...clients.map((client) => client.loop), ...running]).then(() => true);
      const grace = new AbortController();
      const late = await Promise.race([drained, clock.sleep(graceMs, grace.signal).then(() => false)]);
      grace.abort();
      if (!late) {
        aborts.abortAll();
        await Promise.all([...clients.map((client) => client.loop), ...running]);
      }
    },
  };
}

/** FNV-1a of a client's name: each client's draws depend on the seed and its own name only. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
