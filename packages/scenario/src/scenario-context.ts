/**
 * What a scenario is checked against besides itself: the deployment it will run on. Step regions and
 * toxic links must exist there. The scenario's `deployment:` section overrides timings, never the
 * regions, so the caller (the CLI, from its config) passes them in.
 */
export interface ScenarioContext {
  readonly regions: readonly string[];
  /**
   * Link names: `global-endpoint` (the clients' link), one `<primary>-to-<secondary>` per secondary, and
   * the links the kernel carries in a deployment in network namespaces (docs/network-namespaces.md).
   */
  readonly links: readonly string[];
}

/** The client link's name, fixed by the control process (docs/chaos.md#client-link-faults). */
export const CLIENT_LINK = 'global-endpoint';

/**
 * The links of a deployment whose first region is the primary and the others its secondaries, and whose
 * kernel carries `kernelLinks`.
 */
export function scenarioContext(
  regions: readonly string[],
  kernelLinks: readonly string[] = [],
): ScenarioContext {
  const [primary, ...secondaries] = regions;
  const replication = secondaries.map((secondary) => `${primary}-to-${secondary}`);
  return { regions: [...regions], links: [CLIENT_LINK, ...replication, ...kernelLinks] };
}

/** The default deployment of `vaultover up`: westeurope (primary) and northeurope. */
export const DEFAULT_CONTEXT: ScenarioContext = scenarioContext(['westeurope', 'northeurope']);
