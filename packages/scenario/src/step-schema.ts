import { z } from 'zod';
import { DURATION_PATTERN, durationSchema, parseDuration } from './duration.ts';
import { FAILOVER_EVENTS, type FailoverEvent } from './failover-events.ts';
import { faultRuleSchema } from './fault-rule-schema.ts';
import type { ScenarioContext } from './scenario-context.ts';
import { toxicSchema } from './toxic-schema.ts';

// `steps:` the timeline. In the file a step is one mapping with one trigger key (`at`, `after`), one
// action key and an optional `id`; cross-checks.ts holds "exactly one" and the `after:` references.
// After parsing, a step is `{ id, trigger, action }`, which is what the runner switches on.

/** The keys that say when a step runs. */
export const TRIGGER_KEYS = ['at', 'after'] as const;
/** The keys that say what a step does. */
export const ACTION_KEYS = [
  'crash',
  'restart',
  'redis',
  'health',
  'fault',
  'toxic',
  'failover',
  'failback',
  'wait',
] as const;
export type StepActionKind = (typeof ACTION_KEYS)[number];

/** Step ids: `after: <id> + 2s` names them, so they share the event names' alphabet. */
export const STEP_ID = /^[a-z][a-z0-9-]{0,39}$/;
const AFTER = new RegExp(`^([a-z][a-z0-9-]*)\\s*(?:\\+\\s*(${DURATION_PATTERN.slice(1, -1)}))?$`);
const AFTER_HINT = `expected <event or step id> [+ <duration>], e.g. failed-over + 2s; events: ${FAILOVER_EVENTS.join(', ')}`;

/** When a step runs: at a time since the load started, or after an event or an earlier step. */
export type StepTrigger = { readonly at: number } | { readonly after: string; readonly offsetMs: number };

const afterSchema = z
  .string({ error: AFTER_HINT })
  .regex(AFTER, { error: AFTER_HINT })
  .transform((text) => {
    const [, on = '', offset] = AFTER.exec(text) ?? [];
    return { after: on, offsetMs: offset === undefined ? 0 : (parseDuration(offset) as number) };
  });

/** What a step does, once parsed (durations in milliseconds). */
export type StepAction =
  | { readonly kind: 'crash' | 'restart'; readonly region: string }
  | { readonly kind: 'redis'; readonly region: string; readonly action: 'stop' | 'start' }
  | { readonly kind: 'health'; readonly region: string; readonly fail: boolean }
  | { readonly kind: 'fault'; readonly add?: z.output<typeof faultRuleSchema>; readonly remove?: string }
  | {
      readonly kind: 'toxic';
      readonly link: string;
      readonly add?: z.output<typeof toxicSchema>;
      readonly remove?: string;
    }
  | { readonly kind: 'failover' | 'failback' }
  | { readonly kind: 'wait'; readonly state: FailoverEvent; readonly within: number };

/** A step of the timeline, once parsed. */
export interface ScenarioStep {
  readonly id: string | undefined;
  readonly trigger: StepTrigger;
  readonly action: StepAction;
}

/** A step's fields as the file has them; `context` decides which regions and links exist. */
export function stepSchema(context: ScenarioContext) {
  const region = z
    .string({ error: 'expected a region name' })
    .refine((name) => context.regions.includes(name), {
      error: (issue) =>
        `unknown region ${JSON.stringify(issue.input)}: the deployment has ${context.regions.join(', ')}`,
    });
  const link = z.string({ error: 'expected a link name' }).refine((name) => context.links.includes(name), {
    error: (issue) =>
      `unknown link ${JSON.stringify(issue.input)}: the deployment has ${context.links.join(', ')}`,
  });
  const removeName = z.string().min(1, { error: 'expected a name, or all' });
  return z
    .strictObject({
      id: z
        .string()
        .regex(STEP_ID, { error: 'expected a step id: a-z, digits and hyphens, from a letter' })
        .optional(),
      at: durationSchema().optional(),
      after: afterSchema.optional(),
      crash: region.optional(),
      restart: region.optional(),
      redis: z.strictObject({ region, action: z.enum(['stop', 'start']) }).optional(),
      health: z.strictObject({ region, fail: z.boolean() }).optional(),
      fault: z.strictObject({ add: faultRuleSchema.optional(), remove: removeName.optional() }).optional(),
      toxic: z.strictObject({ link, add: toxicSchema.optional(), remove: removeName.optional() }).optional(),
      failover: z.strictObject({}).optional(),
      failback: z.strictObject({}).optional(),
      wait: z
        .strictObject({
          state: z.enum(FAILOVER_EVENTS),
          within: durationSchema({ positive: true }),
        })
        .optional(),
    })
    .transform(({ id, at, after, ...actions }): ScenarioStep => {
      // cross-checks.ts refuses a step without exactly one trigger and one action, so the first of each
      // is the only one whenever the scenario as a whole is valid.
      const trigger: StepTrigger = at !== undefined ? { at } : (after ?? { at: 0 });
      const kind = ACTION_KEYS.find((key) => actions[key] !== undefined) ?? 'wait';
      return { id, trigger, action: { kind, ...actionOf(kind, actions[kind]) } as StepAction };
    });
}

function actionOf(kind: StepActionKind, value: unknown): Record<string, unknown> {
  if (kind === 'crash' || kind === 'restart') return { region: value };
  return (value ?? {}) as Record<string, unknown>;
}
