import type { z } from 'zod';

// zod's issues in the words of a scenario author: `expected a number, got "fast"` rather than
// `Invalid input: expected number, received string`. A message the schema wrote itself is kept.

const NOUNS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** The message of one zod issue (unknown keys are split per key by the caller). */
export function describeIssue(issue: z.core.$ZodIssue): string {
  let input = 'input' in issue ? issue.input : undefined;
  // A discriminated union reports the whole mapping; the author wrote one wrong word: show that.
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    input = (input as Record<string, unknown> | undefined)?.[issue.discriminator];
  }
  const own = !/^(Invalid|Too (big|small)|Unrecognized)/.test(issue.message);
  if (issue.code === 'invalid_type' && input === undefined) {
    return own ? `missing: ${issue.message}` : `missing: expected ${NOUNS[issue.expected] ?? issue.expected}`;
  }
  if (own) return issue.code === 'custom' ? issue.message : `${issue.message}, got ${shown(input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${shown(input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${shown(input)}`;
    case 'too_small':
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}${unitOf(issue.origin)}, got ${shown(input)}`;
    case 'too_big':
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}${unitOf(issue.origin)}, got ${shown(input)}`;
    case 'invalid_union':
      return `expected one of the allowed shapes, got ${shown(input)}`;
    default:
      return issue.message;
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

function unitOf(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array') return ' items';
  return '';
}
