import type { Clock, Timer } from '@vaultover/foundation';
import type { DeploymentApi } from './deployment-api.ts';

/** How far the secondary was behind the primary at one moment, as the control process last saw both. */
export interface ReplicationSample {
  /** Epoch ms. */
  readonly t: number;
  readonly primary: string;
  readonly secondary: string;
  /** Changes the primary committed that the secondary has not applied; null when either is unknown. */
  readonly lagEntries: number | null;
  /** How much older the secondary's newest applied commit is than the primary's newest (0 when caught up). */
  readonly lagSeconds: number | null;
}

interface RegionStatus {
  readonly role: string;
  readonly replication: {
    readonly lastPosition: number | null;
    readonly lastCommitTime: string | null;
    readonly lastAppliedPosition: number | null;
    readonly lastAppliedTime: string | null;
  } | null;
}

/** How often the lag is sampled: as often as the monitor's probes refresh what the status reports. */
const SAMPLE_MS = 500;

/**
 * Samples the replication lag every 500 ms from `GET /api/status`, which holds each region's last good
 * health. The lag is measured across the two regions (the primary's own position against what the
 * secondary applied), not by the secondary alone: a secondary cut off from the primary does not know
 * what it misses, and would report itself caught up. While the primary is down, its last known
 * position stands, so the lag shows what the failover left behind.
 */
export class ReplicationSampler {
  readonly #api: DeploymentApi;
  readonly #clock: Clock;
  readonly #onSample: (sample: ReplicationSample) => void;
  #timer: Timer | undefined;
  #sampling: Promise<void> = Promise.resolve();

  constructor(api: DeploymentApi, clock: Clock, onSample: (sample: ReplicationSample) => void) {
    this.#api = api;
    this.#clock = clock;
    this.#onSample = onSample;
  }

  start(): void {
    void this.sample();
    this.#timer = this.#clock.setInterval(() => void this.sample(), SAMPLE_MS);
  }

  /** Takes one sample now (one at a time); a status that cannot be read is skipped. */
  sample(): Promise<void> {
    this.#sampling = this.#sampling.then(async () => {
      const status = (await this.#api.control('GET', '/api/status')) as {
        regions: Readonly<Record<string, RegionStatus>>;
      };
      const sample = lagOf(status.regions, this.#clock.now());
      if (sample) this.#onSample(sample);
    });
    return this.#sampling.catch(() => {});
  }

  async stop(): Promise<void> {
    this.#timer?.cancel();
    await this.#sampling.catch(() => {});
  }
}

/** The lag between the configured primary and secondary of a status's regions; undefined without a pair. */
export function lagOf(
  regions: Readonly<Record<string, RegionStatus>>,
  t: number,
): ReplicationSample | undefined {
  const entries = Object.entries(regions);
  const primary = entries.find(([, region]) => region.role === 'primary');
  const secondary = entries.find(([, region]) => region.role === 'secondary');
  if (!primary || !secondary) return undefined;
  const p = primary[1].replication;
  const s = secondary[1].replication;
  const position = p?.lastPosition ?? null;
  const applied = s?.lastAppliedPosition ?? null;
  const lagEntries = position !== null && applied !== null ? Math.max(0, position - applied) : null;
  const committed = msOf(p?.lastCommitTime);
  const appliedAt = msOf(s?.lastAppliedTime);
  let lagSeconds: number | null = null;
  if (lagEntries === 0) lagSeconds = 0;
  else if (lagEntries !== null && committed !== null && appliedAt !== null)
    lagSeconds = Math.max(0, committed - appliedAt) / 1000;
  return { t, primary: primary[0], secondary: secondary[0], lagEntries, lagSeconds };
}

function msOf(iso: string | null | undefined): number | null {
  if (typeof iso !== 'string') return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
