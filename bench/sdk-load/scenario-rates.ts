import { dirname } from 'node:path';
import type { LoadClientSpec } from '@vaultover/load';
import { listShippedScenarios, loadClients, readScenarioFile } from '@vaultover/scenario';

/** The open-loop rates the shipped scenarios ask for: what the generator must sustain on this machine. */
export interface ShippedRates {
  /** The scenario whose open-loop clients ask for the most calls per second together, and those clients. */
  busiest: { scenario: string; clients: LoadClientSpec[]; perSecond: number };
  /** The highest rate one client of any shipped scenario asks for. */
  highestClient: { scenario: string; client: string; perSecond: number };
  scenarios: number;
}

/**
 * Reads scenarios/*.yaml as `scenario run` does, so the figures follow the files. `--quick` shortens a
 * scenario's duration and scales its step times; it leaves the rates as they are, so one reading serves
 * both timings. Closed-loop clients (`concurrency`) ask for no rate and are left out, as are clients
 * of a user's module; a client's vault is dropped, the bench region serving one.
 */
export async function shippedRates(): Promise<ShippedRates> {
  const shipped = await listShippedScenarios();
  let busiest: ShippedRates['busiest'] = { scenario: '', clients: [], perSecond: 0 };
  let highestClient: ShippedRates['highestClient'] = { scenario: '', client: '', perSecond: 0 };
  for (const { file } of shipped) {
    const scenario = await readScenarioFile(file);
    const open = loadClients(scenario.load, dirname(file)).filter(
      (client) => 'rate' in client.pacing && 'kind' in client.target,
    );
    const perSecond = open.reduce((sum, client) => sum + rateOf(client), 0);
    if (perSecond > busiest.perSecond) {
      busiest = {
        scenario: scenario.name,
        clients: open.map((c) => ({ ...c, vault: undefined })),
        perSecond,
      };
    }
    for (const client of open) {
      if (rateOf(client) > highestClient.perSecond)
        highestClient = { scenario: scenario.name, client: client.name, perSecond: rateOf(client) };
    }
  }
  if (busiest.perSecond === 0) throw new Error('no shipped scenario has an open-loop client');
  return { busiest, highestClient, scenarios: shipped.length };
}

/** `clients` with every rate multiplied by `factor`. */
export function scaledRates(clients: readonly LoadClientSpec[], factor: number): LoadClientSpec[] {
  return clients.map((client) => ({ ...client, pacing: { rate: rateOf(client) * factor } }));
}

function rateOf(client: LoadClientSpec): number {
  return 'rate' in client.pacing ? client.pacing.rate : 0;
}
