// What the resync child (resync-child.ts) and its orchestrator (resync-time.ts) share; importing the
// child itself would run it.

export const REGION = 'northeurope';

/** What the orchestrator tells the child. */
export interface ResyncChildConfig {
  primaryUrl: string;
  secondaryUrl: string;
}

/** What one resync took, as the child saw it. */
export interface ResyncChildResult {
  /**
   * From the replicator's start to its `resync` event (copy staged and swapped in); null when none came
   * (JSON, which carries the result here, has no NaN).
   */
  resyncMs: number | null;
  /** From the start until its status said streaming with no lag; null when it never did. */
  convergedMs: number | null;
  keys: number;
  /** The most memory this process held from the start until converged, sampled every 50 ms. */
  peakRssBytes: number;
  /** Link errors the replicator reported on the way (e.g. a command deadline). */
  errors: string[];
}
