import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { crossCheck, type PathIssue } from './cross-checks.ts';
import { describeIssue } from './describe-issue.ts';
import { DEFAULT_CONTEXT, type ScenarioContext } from './scenario-context.ts';
import { ScenarioInvalidError, ScenarioUnreadableError } from './scenario-error.ts';
import { byPosition, type ScenarioIssue, scenarioIssue } from './scenario-issue.ts';
import { SCENARIO_NAME, type Scenario, scenarioSchema } from './scenario-schema.ts';
import { positionOf } from './yaml-positions.ts';

/**
 * Parses a scenario file's text. `file` is how messages name the file (as the user gave it). Throws
 * ScenarioInvalidError with every problem, each placed at its line and column, sorted by position.
 */
export function parseScenario(
  text: string,
  file: string,
  context: ScenarioContext = DEFAULT_CONTEXT,
): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    // The YAML itself is broken: its structure, and so every path, is unreliable until it is fixed.
    throw new ScenarioInvalidError(
      doc.errors
        .map((error) => {
          const { line, col } = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
          return scenarioIssue({
            file,
            line,
            column: col,
            path: undefined,
            message: firstLine(error.message),
          });
        })
        .sort(byPosition),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const pathIssues: PathIssue[] = [];
  const result = scenarioSchema(context).safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          pathIssues.push({ path: [...keysOf(issue.path), key], message: 'unknown field', atKey: true });
      } else {
        pathIssues.push({ path: keysOf(issue.path), message: describeIssue(issue) });
      }
    }
  }
  pathIssues.push(...crossCheck(raw));
  const written = (raw as { name?: unknown }).name;
  if (written === undefined && !SCENARIO_NAME.test(nameFromFile(file))) {
    pathIssues.push({
      path: ['name'],
      message: `missing: the file name "${basename(file)}" does not make a scenario name (a-z, digits, hyphens)`,
    });
  }
  if (pathIssues.length > 0) {
    throw new ScenarioInvalidError(
      pathIssues
        .map((issue) => {
          const { line, column } = positionOf(doc, lines, issue.path, issue.atKey);
          return scenarioIssue({ file, line, column, path: pathText(issue.path), message: issue.message });
        })
        .sort(byPosition),
    );
  }
  const scenario = result.data as Omit<Scenario, 'name'> & { name?: string };
  return { ...scenario, name: scenario.name ?? nameFromFile(file) };
}

/** Reads and parses a scenario file; ScenarioUnreadableError when it cannot be read. */
export async function readScenarioFile(
  file: string,
  context: ScenarioContext = DEFAULT_CONTEXT,
): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioUnreadableError(file, error);
  }
  return parseScenario(text, file, context);
}

/** `region-outage.yaml` is named `region-outage` unless it says otherwise. */
export function nameFromFile(file: string): string {
  return basename(file, extname(file));
}

function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(top level)' : path.join('.');
}

/** zod paths may hold symbols in theory; a YAML file's keys are strings and list indexes. */
function keysOf(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === 'symbol' ? String(key) : key));
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] as string;
}

export type { ScenarioIssue };
