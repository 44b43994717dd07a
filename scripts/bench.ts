// Runs the benchmark suites in bench/ (docs/benchmarks.md says what each measures and how).
// Progress goes to stderr, the table to stdout, the full results to a JSON file. A missed target
// is a figure, not a failure: the exit code is 1 only when something broke or a request failed.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { type BenchCommand, parseBenchArgs, USAGE } from '../bench/cli-options.ts';
import { describeEnvironment, type Environment } from '../bench/environment.ts';
import { installInterruptHandler } from '../bench/interrupt.ts';
import { suiteReport } from '../bench/report/suite-report.ts';
import type { SuiteResult } from '../bench/suite.ts';
import { findSuite } from '../bench/suites.ts';

const root = resolve(import.meta.dirname, '..');
const say = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<number> {
  const command = parseCommand();
  if (command === undefined) return 2;
  if (command.help) {
    console.log(USAGE);
    return 0;
  }
  const windows = command.suites.reduce(
    (sum, name) => sum + (findSuite(name)?.windows(command.options) ?? 0),
    0,
  );
  if (windows === 0) {
    say(`--only ${command.options.only.join(',')} matches no scenario of ${command.suites.join(', ')}`);
    return 2;
  }
  installInterruptHandler(say);
  const environment = describeEnvironment();
  announce(command, windows, environment);
  const results: SuiteResult[] = [];
  let failures = 0;
  for (const name of command.suites) {
    const result = await runSuite(name, command);
    if (result === undefined) failures++;
    else {
      results.push(result);
      console.log(`\n${suiteReport(result, command.options)}`);
      failures += reportErrors(result);
    }
  }
  await writeResults(command, environment, results);
  return failures > 0 ? 1 : 0;
}

function parseCommand(): BenchCommand | undefined {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  try {
    return parseBenchArgs(process.argv.slice(2), root, stamp);
  } catch (error) {
    say((error as Error).message);
    console.error(`\n${USAGE}`);
    return undefined;
  }
}

function announce(command: BenchCommand, windows: number, env: Environment): void {
  const { options } = command;
  const seconds = Math.ceil(windows * (options.durationS + options.warmupS + 1));
  say(`${command.suites.join(', ')}: ${windows} load windows, about ${seconds} s plus start-up`);
  console.log(
    `date ${env.date}; ${env.cpus} CPUs (${env.cpuModel}); ${env.memoryGiB} GiB; Node ${env.node}; ${env.os}`,
  );
}

async function runSuite(name: string, command: BenchCommand): Promise<SuiteResult | undefined> {
  const suite = findSuite(name);
  if (!suite) return undefined;
  try {
    return await suite.run({ options: command.options, progress: (message) => say(`[${name}] ${message}`) });
  } catch (error) {
    say(`suite '${name}' failed: ${(error as Error).stack ?? String(error)}`);
    return undefined;
  }
}

/** Failed requests make the figures suspect: say so loudly, and count them as a failure. */
function reportErrors(result: SuiteResult): number {
  const failing = result.scenarios.filter((s) => s.errors > 0);
  for (const s of failing) {
    const samples = [...new Set(s.runs.flatMap((r) => r.errorSamples))].slice(0, 3);
    say(`[${result.suite}] ${s.name}: ${s.errors} failed requests, e.g. ${samples.join(' | ')}`);
  }
  return failing.length;
}

async function writeResults(command: BenchCommand, environment: Environment, suites: SuiteResult[]) {
  await mkdir(dirname(command.outFile), { recursive: true });
  const json = { environment, options: command.options, suites };
  await writeFile(command.outFile, `${JSON.stringify(json, null, 2)}\n`);
  say(`results written to ${relative(process.cwd(), command.outFile)}`);
}

process.exitCode = await main();
