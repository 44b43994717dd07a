import type { z } from 'zod';

// Nouns for zod's `expected` names, as a config author would say them.
const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** One line per issue: `regions.0.port: expected a number, got "abc"`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.flatMap(formatIssue).join('; ');
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathOf([...issue.path, key])}: unknown field`);
  }
  return [`${pathOf(issue.path)}: ${describe(issue)}`];
}

function describe(issue: z.core.$ZodIssue): string {
  const got = issue.input === undefined ? 'nothing' : show(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    default:
      return isPrimitive(issue.input) ? `${issue.message}, got ${got}` : issue.message;
  }
}

/** `regions.0.port`; an empty key shows as `""`, which a message would otherwise lose. */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((part) => (part === '' ? '""' : cut(String(part)))).join('.');
}

function show(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return cut(JSON.stringify(value) ?? String(value));
}

/**
 * A value from the file as a message shows it, cut to 80 characters: a 70 KB string is not worth a 70 KB
 * message, and its start says which it is.
 */
export function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && value !== undefined);
}
