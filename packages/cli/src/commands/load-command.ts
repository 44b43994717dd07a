import { randomInt } from 'node:crypto';
import { dirname } from 'node:path';
import { StopStack, systemClock } from '@vaultover/foundation';
import { type CallRecord, type LoadClientSpec, LoadError, LoadMetrics, prepareLoad } from '@vaultover/load';
import { loadClients, readScenarioFile, ScenarioError } from '@vaultover/scenario';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { DEFAULT_CLIENT, parseClientFlag } from '../load/client-flag.ts';
import { parseDuration } from '../load/duration-flag.ts';
import { endpointsTarget } from '../load/endpoints-target.ts';
import { formatSummaryTable } from '../load/format-load.ts';
import { startLiveStatus } from '../load/live-status.ts';
import { startMetricsServer } from '../load/metrics-server.ts';
import { registerLoadTarget, targetsDir } from '../load/prometheus-target.ts';
import { scenarioFile } from '../scenario/scenario-file.ts';
import { listenForShutdown } from '../up/shutdown-signals.ts';

/** Flags of `vaultover load`. */
export interface LoadFlags {
  endpoints?: string | undefined;
  /** Client specs (`NAME:KIND…`), or scenario files or shipped names whose `load.clients` to run. */
  client?: string[] | undefined;
  duration?: string | undefined;
  seed?: number | undefined;
  json?: boolean | undefined;
  cwd?: string | undefined;
}

/** How long the end waits for calls in flight before it cancels them. */
const STOP_GRACE_MS = 3_000;

/**
 * `vaultover load`: the load generator against a running `vaultover up` until `--duration` or Ctrl-C,
 * a live status line, then a summary per client; while it runs, its clients' metrics at its own
 * `/metrics`, registered as a target of the deployment's Prometheus. Exit 0; 1 when nothing could be
 * called (the setup was refused, or no call got any answer); 2 for bad flags.
 */
export async function runLoad(flags: LoadFlags, say: Say = sayOnStderr): Promise<number> {
  const clients = (
    await Promise.all((flags.client?.length ? flags.client : [DEFAULT_CLIENT]).map(clientsOf))
  ).flat();
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration');
  const seed = flags.seed ?? randomInt(2 ** 31);
  const cwd = flags.cwd ?? process.cwd();
  const { target, dataDir } = await endpointsTarget(flags.endpoints, cwd);
  let answered = false;
  const codes = new Map<string, number>();
  const metrics = new LoadMetrics(clients);
  const onRecord = (record: CallRecord) => {
    metrics.record(record);
    if (record.status !== undefined) answered = true;
    else codes.set(record.code ?? 'Unknown', (codes.get(record.code ?? 'Unknown') ?? 0) + 1);
  };
  const shutdown = listenForShutdown(() => process.exit(130));
  const opened = new StopStack();
  try {
    let prepared: Awaited<ReturnType<typeof prepareLoad>>;
    try {
      prepared = await prepareLoad({ target, clients, seed, onRecord, baseDir: cwd });
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
      throw new CliError(`vaultover load: ${error.message}`, {
        exitCode: error.code === 'LoadSetupFailed' ? EXIT.failure : EXIT.usage,
      });
    }
    const server = await startMetricsServer(metrics.registry);
    opened.push('metrics endpoint', () => server.close());
    // Without its target file the load runs all the same: Prometheus just does not find it.
    await registerLoadTarget(dataDir, server.address).then(
      (registered) => opened.push('Prometheus target', () => registered.remove()),
      (error: unknown) =>
        say(`cannot register the load with Prometheus under ${targetsDir(dataDir)}: ${String(error)}`),
    );
    say(
      `load: ${clients.length} client(s), seed ${seed}, ${durationMs === undefined ? 'until Ctrl-C' : `for ${durationMs / 1000} s`}; metrics at ${server.url}`,
    );
    const startedAt = performance.now();
    const running = prepared.start();
    metrics.watchInFlight((client) => running.clientFigures(client).inFlight);
    const status = startLiveStatus(() => running.figures());
    const stop = new AbortController();
    void shutdown.requested.then(() => stop.abort());
    if (durationMs !== undefined) await systemClock.sleep(durationMs, stop.signal);
    else await shutdown.requested;
    status.stop();
    if (shutdown.received()) say('stopping: waiting for the calls in flight');
    await running.stop(STOP_GRACE_MS);
    const summaries = running.summaries();
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    await writeStdout(
      flags.json
        ? `${JSON.stringify({ seed, durationSeconds: Math.round(elapsedSeconds * 10) / 10, clients: summaries }, null, 2)}\n`
        : formatSummaryTable(summaries),
    );
    const calls = Object.values(summaries).reduce((sum, s) => sum + s.calls, 0);
    if (calls === 0) {
      say('no call was made');
      return EXIT.failure;
    }
    if (!answered) {
      const top = [...codes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'Unknown';
      say(`no call got an answer from the deployment (mostly ${top}): is vaultover up still running?`);
      return EXIT.failure;
    }
    return EXIT.ok;
  } finally {
    await opened.stopAll();
    shutdown.dispose();
  }
}

/**
 * The clients one `--client`/`--clients` value names: a spec (it has a `:`), or a scenario, by file or
 * shipped name, whose `load.clients` run as they would in the scenario (module paths from its folder).
 */
async function clientsOf(value: string): Promise<LoadClientSpec[]> {
  if (value.includes(':')) return [parseClientFlag(value)];
  const file = await scenarioFile(value);
  try {
    const scenario = await readScenarioFile(file);
    return loadClients(scenario.load, dirname(file));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new CliError(error.message, { exitCode: EXIT.usage });
  }
}
