import {
  DEFAULT_CONTEXT,
  listShippedScenarios,
  readScenarioFile,
  type ScenarioContext,
  ScenarioError,
  scenarioContext,
} from '@vaultover/scenario';
import { EXIT } from '../cli/cli-error.ts';
import { writeStdout } from '../cli/stdout.ts';
import { loadConfig } from '../config/index.ts';

/** Options of `vaultover scenario validate`. */
export interface ScenarioValidateOptions {
  /** A deployment config whose regions the steps must name; default: the default deployment's. */
  config?: string | undefined;
}

/**
 * `vaultover scenario validate <file>`: `ok: <name> (…)` on stdout and exit 0, or every problem as
 * `file:line:col: field: message`, one per line on stderr without the `vaultover:` prefix (editors and
 * CI logs link that form to the place), and exit 2.
 */
export async function runScenarioValidate(file: string, options: ScenarioValidateOptions): Promise<number> {
  const context = await contextOf(options.config);
  try {
    const scenario = await readScenarioFile(file, context);
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

/** `vaultover scenario list`: the shipped scenarios, name and description, one per line. */
export async function runScenarioList(): Promise<number> {
  const shipped = await listShippedScenarios();
  const width = Math.max(...shipped.map((scenario) => scenario.name.length));
  await writeStdout(shipped.map((s) => `${s.name.padEnd(width)}  ${s.description}\n`).join(''));
  return EXIT.ok;
}

async function contextOf(configFile: string | undefined): Promise<ScenarioContext> {
  if (configFile === undefined) return DEFAULT_CONTEXT;
  const config = await loadConfig({ file: configFile });
  // The primary first: replication links are named <primary>-to-<secondary>.
  const regions = [...config.regions].sort(
    (a, b) => Number(b.role === 'primary') - Number(a.role === 'primary'),
  );
  return scenarioContext(regions.map((region) => region.name));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
