import { z } from 'zod';
import { deploymentSchema } from './deployment-schema.ts';
import { durationSchema } from './duration.ts';
import { type Expectation, parseExpectation } from './expectation.ts';
import { loadSchema } from './load-schema.ts';
import { DEFAULT_CONTEXT, type ScenarioContext } from './scenario-context.ts';
import { ExpectationInvalidError } from './scenario-error.ts';
import { stepSchema } from './step-schema.ts';

// The scenario file, top to bottom (docs/scenarios.md is its user's guide). Every mapping is strict:
// a misspelt key is an error, never a silently ignored setting. The JSON Schema is generated from this
// same schema (json-schema.ts).

/** Scenario names: file names, folder names of runs, `vaultover scenario run <name>`. */
export const SCENARIO_NAME = /^[a-z0-9-]{1,60}$/;

const expectationSchema = z
  .string({ error: 'expected an expectation such as "rto < 8s"' })
  .transform((text, ctx) => {
    try {
      return parseExpectation(text);
    } catch (error) {
      if (!(error instanceof ExpectationInvalidError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, input: text });
      return z.NEVER;
    }
  });

/** The whole file; `context` is the deployment its steps act on. */
export function scenarioSchema(context: ScenarioContext = DEFAULT_CONTEXT) {
  return z.strictObject({
    name: z
      .string()
      .regex(SCENARIO_NAME, { error: 'expected a-z, digits and hyphens, at most 60' })
      .optional()
      .describe('Defaults to the file name without .yaml'),
    description: z.string().min(1).optional().describe('One line, shown by `vaultover scenario list`'),
    duration: durationSchema({ positive: true }).describe('How long the load runs'),
    quick: z
      .strictObject({
        duration: durationSchema({ positive: true }).optional(),
        timeScale: z.number().positive({ error: 'expected a number above 0' }).optional(),
      })
      .optional()
      .describe('What --quick changes: the load duration, and a factor on every step time'),
    seed: z
      .number()
      .int({ error: 'expected a whole number, 0 or more' })
      .min(0, { error: 'expected a whole number, 0 or more' })
      .optional(),
    deployment: deploymentSchema.prefault({}),
    load: loadSchema,
    steps: z.array(stepSchema(context)).prefault([]),
    expect: z.array(expectationSchema).prefault([]),
  });
}

type ScenarioOutput = z.output<ReturnType<typeof scenarioSchema>>;

/** A valid scenario, every duration in milliseconds, `name` filled in from the file name when absent. */
export type Scenario = Omit<ScenarioOutput, 'name' | 'expect'> & {
  readonly name: string;
  readonly expect: readonly Expectation[];
};
