import { join, resolve } from 'node:path';
import {
  comparedValues,
  DEFAULT_CONTEXT,
  listShippedScenarios,
  readScenarioFile,
  runScenario,
  type ScenarioContext,
  ScenarioError,
  type ScenarioSummary,
  scenarioContext,
} from '@vaultover/scenario';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { ConfigError, loadConfig, readConfigInput } from '../config/index.ts';
import { startLiveStatus } from '../load/live-status.ts';
import { type ConfigBase, scenarioConfig, scenarioDeployment } from '../scenario/scenario-deployment.ts';
import { scenarioFile } from '../scenario/scenario-file.ts';

/** Options of `vaultover scenario validate`. */
export interface ScenarioValidateOptions {
  /**
   * A deployment config whose regions and links the steps must name, and whose rules the overrides must
   * meet; default: the default deployment's.
   */
  config?: string | undefined;
}

/**
 * `vaultover scenario validate <file>`: `ok: <name> (…)` on stdout and exit 0, or every problem as
 * `file:line:col: field: message`, one per line on stderr without the `vaultover:` prefix (editors and
 * CI logs link that form to the place), and exit 2.
 */
export async function runScenarioValidate(file: string, options: ScenarioValidateOptions): Promise<number> {
  const context = await contextOf(options.config);
  const base = await configBase(options.config);
  try {
    const scenario = await readScenarioFile(file, context);
    // The config's own rules across fields (a probe timeout under its interval) hold for the overrides too.
    try {
      scenarioConfig(scenario.deployment, '.', base);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${file}: deployment: ${error.message}\n`);
      return EXIT.usage;
    }
    const clients = Object.keys(scenario.load.clients).length;
    await writeStdout(
      `ok: ${scenario.name} (${count(clients, 'client')}, ${count(scenario.steps.length, 'step')}, ${count(scenario.expect.length, 'expectation')})\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
}

/** Options of `vaultover scenario run`. */
export interface ScenarioRunOptions {
  /**
   * The deployment config to start (its regions, addresses, namespaces, links), the scenario's
   * `deployment:` over it; default: the default deployment's.
   */
  config?: string | undefined;
  /** The run folder; default `.vaultover/runs/<UTC time>-<name>/` here. */
  out?: string | undefined;
  /** Overrides the scenario's seed. */
  seed?: number | undefined;
  /** The scenario's `quick:` timings. */
  quick?: boolean | undefined;
}

/**
 * `vaultover scenario run <file | shipped name>`: runs the scenario on a deployment of its own and prints
 * each expectation with its actual value, the verdict and the run folder. Exit 0 when every expectation
 * holds (and every step ran), 1 when not, 2 when the scenario is invalid or its deployment cannot start.
 */
export async function runScenarioRun(
  fileOrName: string,
  options: ScenarioRunOptions,
  say: Say = sayOnStderr,
): Promise<number> {
  const file = await scenarioFile(fileOrName);
  const context = await contextOf(options.config);
  const base = await configBase(options.config);
  let scenario: Awaited<ReturnType<typeof readScenarioFile>>;
  try {
    scenario = await readScenarioFile(file, context);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  const seed = options.seed ?? scenario.seed ?? Math.floor(Math.random() * 2 ** 31);
  const outDir = resolve(options.out ?? join('.vaultover', 'runs', `${stamp(new Date())}-${scenario.name}`));
  let result: Awaited<ReturnType<typeof runScenario>>;
  try {
    result = await runScenario({
      scenario,
      file,
      seed,
      quick: options.quick ?? false,
      outDir,
      startDeployment: scenarioDeployment(say, base),
      say,
      live: (view) => startLiveStatus(view.figures, view.state),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(`${file}: deployment: ${error.message}`, { exitCode: EXIT.usage });
    }
    throw error;
  }
  await writeStdout(formatVerdict(result.summary, result.outDir));
  return result.summary.verdict === 'pass' ? EXIT.ok : EXIT.failure;
}

function formatVerdict(summary: ScenarioSummary, outDir: string): string {
  const lines = summary.expectations.map(
    (e) => `${e.pass ? 'pass' : 'FAIL'}  ${e.name.padEnd(40)}  ${comparedValues(e)}`,
  );
  return [
    ...lines,
    `${summary.scenario} (seed ${summary.seed}): ${summary.verdict === 'pass' ? 'PASS' : 'FAIL'}`,
    `run folder: ${outDir}`,
    '',
  ].join('\n');
}

/** `2026-12-04T23-59-01Z`: a UTC time that sorts and is a valid file name everywhere. */
function stamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replaceAll(':', '-')}Z`;
}

/** `vaultover scenario list`: the shipped scenarios, name and description, one per line. */
export async function runScenarioList(): Promise<number> {
  const shipped = await listShippedScenarios();
  const width = Math.max(...shipped.map((scenario) => scenario.name.length));
  await writeStdout(shipped.map((s) => `${s.name.padEnd(width)}  ${s.description}\n`).join(''));
  return EXIT.ok;
}

/** The config file's content as written, for a scenario's overrides to go over; none: the defaults. */
async function configBase(configFile: string | undefined): Promise<ConfigBase> {
  return configFile === undefined ? {} : (((await readConfigInput(configFile)) ?? {}) as ConfigBase);
}

async function contextOf(configFile: string | undefined): Promise<ScenarioContext> {
  if (configFile === undefined) return DEFAULT_CONTEXT;
  const config = await loadConfig({ file: configFile });
  // The primary first: replication links are named <primary>-to-<secondary>.
  const regions = [...config.regions].sort(
    (a, b) => Number(b.role === 'primary') - Number(a.role === 'primary'),
  );
  return scenarioContext(
    regions.map((region) => region.name),
    Object.keys(config.links.kernel),
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
