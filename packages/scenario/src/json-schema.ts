import { z } from 'zod';
import { DEFAULT_CONTEXT } from './scenario-context.ts';
import { scenarioSchema } from './scenario-schema.ts';

/**
 * The scenario file's JSON Schema, generated from the zod schema the validator uses, so the two cannot
 * drift. It describes the file as written (durations as strings); the checks that need more than one
 * field (exactly one trigger and one action, `after:` references, client names in expectations) and
 * the deployment's regions are the validator's alone. Published as docs/scenario.schema.json for editors
 * (`# yaml-language-server: $schema=…`).
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema(DEFAULT_CONTEXT), { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    title: 'Vaultover scenario',
    description:
      'A Vaultover scenario file: deployment overrides, load, a timeline of steps, expectations (docs/scenarios.md).',
  };
}

/** The text of docs/scenario.schema.json: what `scripts/scenario-schema.ts` writes and a test compares. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
