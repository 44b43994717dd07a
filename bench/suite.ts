import type { Measurement } from './load/measure-load.ts';
import type { ProfileSummary } from './profile/profile-summary.ts';

/** Command-line settings every suite receives. */
export interface BenchOptions {
  /** Measured seconds per run of a scenario. */
  durationS: number;
  /** Whether --duration was given: suites with windows of their own length use it only then. */
  durationExplicit: boolean;
  /** Replication suite: writes per second of the lag windows. */
  rate: number;
  /**
   * Replication suite: secrets in the vault of the full-resync scenario; memory suite: the distinct
   * secret names its writes reuse.
   */
  resyncSecrets: number;
  /**
   * Replication suite: how many vaults the product's lag windows spread their writes over, one window
   * per count (1 is the single-vault window).
   */
  vaultCounts: number[];
  /** Unmeasured seconds before each window. */
  warmupS: number;
  /** Requests in flight at once. */
  connections: number;
  /** Runs per scenario; figures are medians over them. */
  runs: number;
  /** Whether --runs was given: suites with a default of their own use it only then. */
  runsExplicit: boolean;
  /** Failover suite: the deployment's timings (config fields; undefined keeps the product default). */
  failover: FailoverTimings;
  /** Memory suite: secret SETs sent to the primary, and seconds of rest before each idle sample. */
  memory: { writes: number; idleS: number };
  /** Nemesis suite: how long, against which replication mode, from which seed. */
  nemesis: { minutes: number; mode: 'sync' | 'async'; seed: number };
  /** Only scenarios whose name contains one of these (case-insensitive); empty means all. */
  only: string[];
  /** When set, the server under test runs with `--cpu-prof` and profiles are written here. */
  profileDir: string | undefined;
}

/** Monitor and failover settings the failover suite writes into its `vaultover up` config. */
export interface FailoverTimings {
  failoverWindowMs: number;
  probeIntervalMs: number | undefined;
  probeTimeoutMs: number | undefined;
  failureThreshold: number | undefined;
}

/** What a suite gets to work with. */
export interface SuiteContext {
  readonly options: BenchOptions;
  /** One line of progress on stderr. */
  progress(message: string): void;
}

/** One scenario's runs and their medians. */
export interface ScenarioResult {
  name: string;
  /** What one request does, for the table's reader. */
  description: string;
  runs: Measurement[];
  median: {
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    /** Server CPU time per request; undefined where process CPU cannot be read. */
    serverMicrosPerRequest: number | undefined;
  };
  errors: number;
}

/**
 * A figure compared with its target: reported, never a reason to fail the run. Without a target it
 * is information printed beside the verdicts (e.g. a ratio to a reference that has no goal).
 */
export interface Verdict {
  name: string;
  value: number;
  target?: number;
  pass?: boolean;
  /** The target is a ceiling (value ≤ target) rather than a floor. */
  atMost?: boolean;
}

export interface SuiteResult {
  suite: string;
  scenarios: ScenarioResult[];
  verdicts: Verdict[];
  /** Facts about what was measured, e.g. the Redis version. */
  facts: Record<string, string>;
  notes: string[];
  profiles: ProfileSummary[];
  /** Replaces the report's first line, for a suite whose runs are not the load windows'. */
  heading?: string;
  /** Preformatted blocks printed after the table: figures that are not load windows. */
  sections?: string[];
  /** Raw figures for the JSON file. */
  details?: unknown;
}

/** A named set of scenarios. Register new ones in suites.ts. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  /** How many load windows the suite will run, for the time estimate. */
  windows(options: BenchOptions): number;
  run(context: SuiteContext): Promise<SuiteResult>;
}
