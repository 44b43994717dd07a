import { describe, expect, it } from 'vitest';
import { readScenarioFile } from './read-scenario.ts';
import { listShippedScenarios } from './shipped-scenarios.ts';

describe('shipped scenarios', () => {
  it('are the six of issue 11, each valid, described and with a quick timing', async () => {
    const shipped = await listShippedScenarios();
    expect(shipped.map((scenario) => scenario.name)).toEqual([
      'flapping-primary',
      'partition-during-writes',
      'region-outage',
      'retry-policies',
      'slow-region',
      'throttling-storm',
    ]);
    for (const scenario of shipped) {
      expect(scenario.description, scenario.name).not.toBe('');
      expect(scenario.description, scenario.name).not.toContain('\n');
      // the file is named after the scenario, so `scenario run <name>` finds it
      expect(scenario.file.endsWith(`/${scenario.name}.yaml`)).toBe(true);
      const { quick, duration } = await readScenarioFile(scenario.file);
      expect(quick?.duration ?? duration, scenario.name).toBeLessThanOrEqual(60_000);
      expect(quick, scenario.name).toBeDefined();
    }
  });
});
