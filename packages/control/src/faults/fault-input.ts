import { FAULT_ACTION_TYPES, type FaultRuleInput } from '@vaultover/contract';
import { BadParameterError, isValidVaultName, operationsNamedBy } from '@vaultover/vault';
import { z } from 'zod';

/** What a rule is checked against: the deployment this control process fails over. */
export interface FaultInputContext {
  /** The deployment's region names. */
  readonly regions: readonly string[];
  /** The configured principals (a token names one of them, or is refused). */
  readonly principals: readonly string[];
}

/** The HTTP methods the service's routes answer. */
export const FAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const MAX_DAYS_MS = 365 * 24 * 3600_000;

/** The fields of each action type, for the message that refuses one of another type. */
const ACTION_FIELDS: Record<(typeof FAULT_ACTION_TYPES)[number], string> = {
  error: 'status, code, message, retryAfter',
  throttle: 'retryAfter',
  delay: 'ms, jitterMs',
  reset: 'no other field',
  hang: 'maxMs',
  'drop-body': 'no other field',
};

/**
 * Checks the body of `POST /api/faults` and returns the rule it describes, with vault names in lower
 * case (a vault's name is case-insensitive) and methods in upper case. Anything else than a valid rule
 * is refused with a BadParameter naming the first bad field, as `schedule.probability must be a number
 * from 0 to 1, not 1.5`.
 */
export function parseFaultRuleInput(body: unknown, context: FaultInputContext): FaultRuleInput {
  const result = faultRuleSchema(context).safeParse(body, { reportInput: true });
  if (result.success) return result.data as FaultRuleInput;
  const issue = result.error.issues[0];
  throw new BadParameterError(issue ? describeIssue(issue) : 'The fault rule is not valid.');
}

function faultRuleSchema(context: FaultInputContext) {
  const list = <T extends z.ZodType>(item: T, what: string) =>
    z.array(item, { error: `must be a non-empty list of ${what}` }).min(1, {
      error: `must be a non-empty list of ${what} (leave it out to match any)`,
    });
  const oneOf = (names: readonly string[], what: string) =>
    z.string({ error: `must be ${what}` }).superRefine((value, ctx) => {
      if (!names.includes(value)) ctx.addIssue({ code: 'custom', message: `must be ${what}`, input: value });
    });
  const regions = list(
    oneOf(context.regions, `a region of the deployment (${context.regions.join(', ')})`),
    'region names',
  );
  const operations = list(
    z.string({ error: 'must be an operation name, a pattern or a group' }).superRefine((value, ctx) => {
      if (operationsNamedBy(value).length > 0) return;
      const message = value.includes('*')
        ? 'must be a pattern that matches at least one operation of the catalogue'
        : 'must be an operation of the catalogue (SecretGet, KeyCreate, …), a pattern with * (Key*) or a group (read, write)';
      ctx.addIssue({ code: 'custom', message, input: value });
    }),
    'operation names, patterns or groups',
  );
  const vaults = list(
    z
      .string({ error: 'must be a vault name' })
      .refine(isValidVaultName, {
        error: 'must be a vault name (3–24 letters, digits and hyphens, starting with a letter)',
      })
      .transform((name) => name.toLowerCase()),
    'vault names',
  );
  const principals = list(
    oneOf(context.principals, `a configured principal (${context.principals.join(', ')})`),
    'principal names',
  );
  const method = `must be an HTTP method (${FAULT_METHODS.join(', ')})`;
  const methods = list(
    z
      .string({ error: method })
      .refine((value) => (FAULT_METHODS as readonly string[]).includes(value.toUpperCase()), {
        error: method,
      })
      .transform((value) => value.toUpperCase()),
    'HTTP methods',
  );
  const retryAfter = whole(0, 3600, ' of seconds').optional();
  const action = z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('error'),
        status: whole(400, 599),
        code: z
          .string({ error: 'must be an error code such as ServiceUnavailable' })
          .regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/, {
            error: 'must be an error code such as ServiceUnavailable: letters and digits, at most 100',
          }),
        message: text(1000),
        retryAfter,
      }),
      z.strictObject({ type: z.literal('throttle'), retryAfter }),
      z.strictObject({
        type: z.literal('delay'),
        ms: whole(0, 300_000, ' of milliseconds'),
        jitterMs: whole(0, 300_000, ' of milliseconds').optional(),
      }),
      z.strictObject({ type: z.literal('reset') }),
      z.strictObject({ type: z.literal('hang'), maxMs: whole(1, 3_600_000, ' of milliseconds').optional() }),
      z.strictObject({ type: z.literal('drop-body') }),
    ],
    { error: `must be an object whose type is one of ${FAULT_ACTION_TYPES.join(', ')}` },
  );
  const schedule = z.strictObject(
    {
      probability: z
        .number({ error: 'must be a number from 0 to 1' })
        .min(0, { error: 'must be a number from 0 to 1' })
        .max(1, { error: 'must be a number from 0 to 1' })
        .optional(),
      seed: whole(0, Number.MAX_SAFE_INTEGER).optional(),
      times: whole(1, 1_000_000_000).optional(),
      skip: whole(0, 1_000_000_000).optional(),
      perRequest: whole(1, 1000).optional(),
      startAfterMs: whole(0, MAX_DAYS_MS, ' of milliseconds').optional(),
      durationMs: whole(1, MAX_DAYS_MS, ' of milliseconds').optional(),
    },
    { error: 'must be an object' },
  );
  return z.strictObject(
    {
      name: text(100),
      match: z
        .strictObject({ regions, operations, vaults, principals, methods }, { error: 'must be an object' })
        .partial()
        .optional(),
      action,
      schedule: schedule.optional(),
    },
    { error: 'must be a JSON object' },
  );
}

function whole(min: number, max: number, unit = '') {
  const error = `must be a whole number${unit} from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function text(max: number) {
  const error = `must be a non-empty string of at most ${max} characters`;
  return z.string({ error }).min(1, { error }).max(max, { error });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = pathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return `${pathOf([...issue.path, key])} is not a field of ${ownerOf(issue.path, issue.input)}.`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return issue.path.length === 0 ? 'The body must be a fault rule (a JSON object).' : `${at} is required.`;
  }
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type') {
    const type = (issue.input as { type?: unknown } | undefined)?.type;
    if (type === undefined) return `${at} is required: one of ${FAULT_ACTION_TYPES.join(', ')}.`;
    return `${at} must be one of ${FAULT_ACTION_TYPES.join(', ')}${got(type)}.`;
  }
  const subject = issue.path.length === 0 ? 'The body' : at;
  return `${subject} ${issue.message}${got(issue.input)}.`;
}

/** What an object of the rule is called in a message about a field it does not have. */
function ownerOf(path: readonly PropertyKey[], input: unknown): string {
  if (path.length === 0) return 'a fault rule (name, match, action, schedule)';
  if (path[0] === 'action') {
    const type = String((input as { type?: unknown } | undefined)?.type);
    const fields = ACTION_FIELDS[type as keyof typeof ACTION_FIELDS] ?? '';
    return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} action (it takes ${fields})`;
  }
  if (path[0] === 'match') return 'match (regions, operations, vaults, principals, methods)';
  return 'schedule (probability, seed, times, skip, perRequest, startAfterMs, durationMs)';
}

/** `match.regions[1]`: dotted fields, indexes in brackets; an empty field name as `""`, not nothing. */
function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const name = part === '' ? '""' : String(part);
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

/** `, not 1.5` for a primitive that was refused; nothing for objects and lists (their message says why). */
function got(input: unknown): string {
  if (input === undefined || (input !== null && typeof input === 'object')) return '';
  const shown = JSON.stringify(input) ?? String(input);
  return `, not ${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown}`;
}
