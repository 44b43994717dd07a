/** One problem of a scenario file, placed where it is in the file (1-based line and column). */
export interface ScenarioIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The field, as `steps.2.crash`; undefined for a YAML syntax error, which has no field yet. */
  readonly path: string | undefined;
  readonly message: string;
  /** `file:line:col: path: message`, the form editors and CI logs link to the place. */
  readonly text: string;
}

/** Builds an issue and its printed line. */
export function scenarioIssue(fields: Omit<ScenarioIssue, 'text'>): ScenarioIssue {
  const where = `${fields.file}:${fields.line}:${fields.column}`;
  const text =
    fields.path === undefined ? `${where}: ${fields.message}` : `${where}: ${fields.path}: ${fields.message}`;
  return { ...fields, text };
}

/** Issues in the order of the file, so that the first line printed is the first place to fix. */
export function byPosition(a: ScenarioIssue, b: ScenarioIssue): number {
  return a.line - b.line || a.column - b.column || (a.path ?? '').localeCompare(b.path ?? '');
}
