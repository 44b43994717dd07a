import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VaultoverCredential } from '@vaultover/auth/tokens';
import { attemptsByRequestId, type LoggedRequest, readRequests } from '@vaultover/contract';
import { type Clock, systemClock } from '@vaultover/foundation';
import {
  type AcknowledgedWrite,
  type LiveFigures,
  type LoadTarget,
  missingWrites,
  prepareLoad,
} from '@vaultover/load';
import { Redis } from 'ioredis';
import { evaluateExpectations } from '../evaluate-expectations.ts';
import { isFailoverEvent } from '../failover-events.ts';
import type { Scenario } from '../scenario-schema.ts';
import type { ScenarioStep } from '../step-schema.ts';
import type { ClientFigures, ScenarioSummary, SummaryFigures } from '../summary.ts';
import { CallAggregates } from './call-aggregates.ts';
import type { DeploymentEndpoints, DeploymentStarter } from './deployment.ts';
import { DeploymentApi } from './deployment-api.ts';
import { type ControlEvent, EventFollower } from './event-follower.ts';
import { type FailoverRecord, failoverFigures, type StepRun, transitionCounts } from './failover-figures.ts';
import { Journal } from './journal.ts';
import { junitXml } from './junit.ts';
import { loadClients } from './load-clients.ts';
import { StepPerformer } from './perform-step.ts';
import { type ReplicationSample, ReplicationSampler } from './replication-sampler.ts';
import { reportHtml } from './report.ts';
import { type StepOutcome, Timeline, type TimelineStep } from './timeline.ts';

export interface RunOptions {
  readonly scenario: Scenario;
  /** The scenario file: module paths of clients are relative to it. */
  readonly file: string;
  readonly seed: number;
  /** The scenario's `quick:` timings. */
  readonly quick: boolean;
  /** The run folder: summary.json, journal.jsonl, junit.xml, the deployment's data. */
  readonly outDir: string;
  readonly startDeployment: DeploymentStarter;
  /** Progress lines (steps as they happen, then the verdict). */
  readonly say: (line: string) => void;
  /**
   * Called when the load starts, with its live figures and the vault's state now; the display it starts
   * (a status line) is stopped when the load stops. Its `say` then replaces `say` for the run's lines.
   */
  readonly live?: (view: LiveView) => { say: (line: string) => void; stop(): void };
  readonly clock?: Clock;
}

/** What a live display of a run can show. */
export interface LiveView {
  readonly figures: () => LiveFigures;
  /** The failover state the control events last reported. */
  readonly state: () => string;
}

/** What a run came to, and where its files are (summary.json, journal.jsonl, junit.xml, report.html). */
export interface RunResult {
  readonly summary: ScenarioSummary;
  readonly steps: readonly StepOutcome[];
  readonly outDir: string;
}

/** Who reads acknowledged writes back at the end: an administrator can read every vault. */
const VERIFIER = 'admin';

/**
 * Runs a scenario: starts its deployment, prepares the load's clients, then runs the load for the
 * scenario's duration with the steps on their timeline, follows the control events, and at the end reads
 * the request log and checks every acknowledged write. Writes summary.json (figures, expectations, the
 * verdict), journal.jsonl and junit.xml into `outDir`, and stops the deployment whatever happened.
 */
export async function runScenario(options: RunOptions): Promise<RunResult> {
  const { scenario } = options;
  let say = options.say;
  const clock = options.clock ?? systemClock;
  const timeScale = options.quick ? (scenario.quick?.timeScale ?? 1) : 1;
  const durationMs = options.quick ? (scenario.quick?.duration ?? scenario.duration) : scenario.duration;
  await mkdir(options.outDir, { recursive: true });
  const journal = new Journal(join(options.outDir, 'journal.jsonl'));
  say(`starting the deployment of ${scenario.name}…`);
  const deployment = await options.startDeployment(scenario.deployment, join(options.outDir, 'deployment'));
  try {
    const endpoints = deployment.endpoints;
    const ca = await readFile(endpoints.caFile, 'utf8');
    const api = new DeploymentApi(endpoints, ca);
    const target = loadTarget(endpoints, ca);
    const written: AcknowledgedWrite[] = [];
    let startedAt = clock.now();
    const calls = new CallAggregates(() => startedAt);
    const vaultOf = new Map(Object.entries(scenario.load.clients).map(([name, c]) => [name, c.vault]));
    const load = await prepareLoad({
      target,
      clients: loadClients(scenario.load, dirname(options.file)),
      seed: options.seed,
      clock,
      baseDir: dirname(options.file),
      onRecord: (record) => {
        calls.add(record);
        journal.write({ type: 'call', t: record.time, ...record });
        if (record.written) written.push({ vault: vaultOf.get(record.client), ...record.written });
      },
    });

    const performer = new StepPerformer(api, clock);
    const ran: StepRun[] = [];
    const timeline = new Timeline<ScenarioStep>({
      steps: scenario.steps.map((step, index) => timelineStep(step, index, timeScale)),
      clock,
      perform: (step) => performer.perform(step.action.action),
      onStep: (step, outcome) => {
        const at = 'at' in outcome ? outcome.at : clock.now();
        journal.write({ type: 'step', t: at, index: step.index, action: step.action.action, ...outcome });
        if (outcome.kind === 'started') {
          // The same instant as the journal's, so that the figures can be recomputed from it exactly.
          ran.push({ action: step.action.action, startedAt: at });
          say(`step ${step.index + 1}: ${describeAction(step.action)}`);
        }
        if (outcome.kind === 'failed') say(`step ${step.index + 1} failed: ${outcome.reason}`);
      },
    });
    let state = 'normal';
    const events = new EventFollower(api, clock, (event: ControlEvent) => {
      journal.write({ type: 'event', t: Date.parse(event.time), ...event });
      const to = event.details.to;
      if (event.kind === 'transition' && typeof to === 'string' && isFailoverEvent(to)) {
        state = to;
        say(`the vault is ${to}`);
        timeline.emit(to);
      }
    });

    const replication: ReplicationSample[] = [];
    const sampler = new ReplicationSampler(api, clock, (sample) => {
      replication.push(sample);
      journal.write({ type: 'replication', ...sample });
    });

    await events.start();
    startedAt = clock.now();
    journal.write({
      type: 'run',
      t: startedAt,
      scenario: scenario.name,
      seed: options.seed,
      quick: options.quick,
    });
    say(`running for ${durationMs / 1000}s: ${Object.keys(scenario.load.clients).join(', ')}`);
    const running = load.start();
    sampler.start();
    const display = options.live?.({ figures: () => running.figures(), state: () => state });
    if (display) say = display.say;
    timeline.start();
    await clock.sleep(durationMs);
    // Steps under way finish (a `wait` has its own deadline); those not due yet do not run.
    await timeline.settle();
    const steps = await timeline.stop();
    await running.stop();
    display?.stop();
    say = options.say;
    await Promise.all([events.stop(), sampler.stop()]);
    const endedAt = clock.now();

    const status = (await api.control('GET', '/api/status')) as { lastFailover: FailoverRecord | null };
    // The journal holds what every figure of the summary is computed from: the control's failover record
    // (detection, RTO, RPO), the request log (server-side attempts), and the writes found missing.
    journal.write({ type: 'failover', t: endedAt, record: status.lastFailover });
    const requests = await loggedRequests(endpoints, startedAt);
    for (const request of requests) journal.write({ type: 'request', t: request.time, ...request });
    const serverAttempts = attemptsByRequestId(requests);
    const missing = await missingWrites(target, written, VERIFIER);
    for (const write of missing) journal.write({ type: 'missing-write', t: clock.now(), ...write });
    journal.write({
      type: 'writes-checked',
      t: clock.now(),
      acknowledged: written.length,
      missing: missing.length,
    });

    const summaries = running.summaries();
    const clients: Record<string, ClientFigures> = {};
    for (const [name, summary] of Object.entries(summaries)) {
      clients[name] = { ...summary, serverAttempts: calls.serverAttempts(name, serverAttempts) };
    }
    const figures: SummaryFigures = {
      failover: failoverFigures(status.lastFailover, ran, startedAt, endedAt, endpoints.links.regionOf),
      ...transitionCounts(events.events),
      acknowledgedWritesMissing: missing.length,
      clients,
    };
    const expectations = evaluateExpectations(scenario.expect, figures);
    const brokenSteps = steps.filter((step) => step.kind !== 'done').length;
    const summary: ScenarioSummary = {
      scenario: scenario.name,
      seed: options.seed,
      verdict: expectations.every((e) => e.pass) && brokenSteps === 0 ? 'pass' : 'fail',
      expectations,
      ...figures,
    };
    const seconds = Math.round(endedAt - startedAt) / 1000;
    await writeFile(
      join(options.outDir, 'summary.json'),
      `${JSON.stringify({ ...summary, steps }, null, 2)}\n`,
    );
    await writeFile(join(options.outDir, 'junit.xml'), junitXml(summary, steps, seconds));
    await writeFile(
      join(options.outDir, 'report.html'),
      await reportHtml({
        summary,
        description: scenario.description,
        steps: steps.map((outcome, index) => ({
          what: describeAction(scenario.steps[index] as ScenarioStep),
          action: (scenario.steps[index] as ScenarioStep).action,
          outcome,
        })),
        events: events.events,
        calls,
        replication,
        startedAt,
        endedAt,
      }),
    );
    return { summary, steps, outDir: options.outDir };
  } finally {
    await journal.close();
    await deployment.stop();
  }
}

/** The deployment as the load generator sees it: vault URLs on the global endpoint, tokens per principal. */
function loadTarget(endpoints: DeploymentEndpoints, ca: string): LoadTarget {
  return {
    defaultVaultUrl: endpoints.gateway,
    vaults: { ...endpoints.vaults },
    ca,
    credential: (principal) => new VaultoverCredential({ principal, dataDir: endpoints.dataDir }),
  };
}

/** A scenario step on the timeline, its times scaled by `--quick`'s factor. */
function timelineStep(step: ScenarioStep, index: number, scale: number): TimelineStep<ScenarioStep> {
  const trigger =
    'at' in step.trigger
      ? { at: step.trigger.at * scale }
      : { after: step.trigger.after, offsetMs: step.trigger.offsetMs * scale };
  const action =
    step.action.kind === 'wait' ? { ...step.action, within: step.action.within * scale } : step.action;
  return { index, id: step.id, trigger, action: { ...step, action } };
}

async function loggedRequests(endpoints: DeploymentEndpoints, since: number): Promise<LoggedRequest[]> {
  const url = endpoints.redis.control?.url;
  if (!url) return [];
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await readRequests(redis, since);
  } finally {
    redis.disconnect();
  }
}

function describeAction(step: ScenarioStep): string {
  const { action } = step;
  switch (action.kind) {
    case 'crash':
    case 'restart':
      return `${action.kind} ${action.region}`;
    case 'redis':
      return `${action.action} the Redis of ${action.region}`;
    case 'health':
      return `${action.fail ? 'fail' : 'heal'} the health of ${action.region}`;
    case 'fault':
      return action.add ? `add fault rule ${action.add.name}` : `remove fault rule ${action.remove}`;
    case 'toxic':
      return action.add
        ? `add a ${action.add.type} toxic to ${action.link}`
        : `remove toxic ${action.remove} from ${action.link}`;
    case 'failover':
    case 'failback':
      return `force a ${action.kind}`;
    case 'wait':
      return `wait for ${action.state} (within ${action.within / 1000}s)`;
  }
}
