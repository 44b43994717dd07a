import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from './json-schema.ts';

describe('docs/scenario.schema.json', () => {
  it('is what the schema generates (node scripts/scenario-schema.ts rewrites it)', () => {
    const committed = readFileSync(
      fileURLToPath(new URL('../../../docs/scenario.schema.json', import.meta.url)),
      'utf8',
    );
    expect(committed).toBe(scenarioJsonSchemaText());
  });
});
