import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readScenarioFile } from './read-scenario.ts';
import { DEFAULT_CONTEXT } from './scenario-context.ts';

/**
 * The scenarios shipped with Vaultover: the repository's top-level `scenarios/` folder, found from this
 * file rather than the working directory, so `vaultover scenario list` works from anywhere.
 */
export const SHIPPED_SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

/** A shipped scenario, as `vaultover scenario list` shows it. */
export interface ShippedScenario {
  readonly name: string;
  readonly description: string;
  readonly file: string;
}

/** Every shipped scenario, by name; each one parsed, so a broken one fails here and in its test. */
export async function listShippedScenarios(dir = SHIPPED_SCENARIOS_DIR): Promise<ShippedScenario[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).sort();
  const scenarios: ShippedScenario[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const scenario = await readScenarioFile(path, DEFAULT_CONTEXT);
    scenarios.push({ name: scenario.name, description: scenario.description ?? '', file: path });
  }
  return scenarios;
}
