// Writes docs/scenario.schema.json from the scenario package's zod schema (the one the validator uses).
// Run it after changing the schema: a test fails while the committed file differs from what it writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '@vaultover/scenario';

const target = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
