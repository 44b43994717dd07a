import { EventEmitter } from 'node:events';
import type { RegionHealth } from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import type { Probe, ProbeResult } from './health-probe.ts';

export interface MonitorSettings {
  /** Default 1000. */
  probeIntervalMs: number;
  /** Default 500. */
  probeTimeoutMs: number;
  /** Consecutive failures before a region is down. Default 3. */
  failureThreshold: number;
  /** Consecutive successes before a down region is up again. Default 5. */
  recoveryThreshold: number;
}

export const MONITOR_DEFAULTS: MonitorSettings = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  failureThreshold: 3,
  recoveryThreshold: 5,
};

export interface MonitoredRegion {
  name: string;
  url: string;
}

/** The monitor's view of one region. */
export interface RegionView {
  healthy: boolean;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /**
   * When the first failed probe of the current run of failures was seen (epoch ms), or null after a
   * success: where a failure began, as far as the monitor can tell (the failover's recovery time starts there).
   */
  failingSince: number | null;
  /** The latest probe (ISO time, outcome). */
  lastProbe: { at: string; ok: boolean; reason: string | null } | null;
  /** The body of the latest successful probe: its mode and replication positions. */
  lastGood: (RegionHealth & { at: number }) | null;
}

/** A region before its first probe: healthy, as the monitor assumes at start, and nothing seen yet. */
export function unprobedView(): RegionView {
  return {
    healthy: true,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    failingSince: null,
    lastProbe: null,
    lastGood: null,
  };
}

export interface HealthMonitorOptions {
  regions: readonly MonitoredRegion[];
  probe: Probe;
  clock: Clock;
  settings?: Partial<MonitorSettings>;
}

/**
 * Probes every region's `/health` each interval and decides up/down with asymmetric thresholds (the
 * hysteresis of Sentinel, HAProxy's rise/fall): `failureThreshold` failures in a row to go down,
 * `recoveryThreshold` successes in a row to come back. Regions start healthy, as Sentinel assumes.
 * Emits `probe` (region, result) after every probe and `flip` (region, healthy) when a verdict changes.
 */
export class HealthMonitor extends EventEmitter {
  readonly settings: MonitorSettings;
  readonly #options: HealthMonitorOptions;
  readonly #views = new Map<string, RegionView>();
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: HealthMonitorOptions) {
    super();
    this.#options = options;
    this.settings = { ...MONITOR_DEFAULTS, ...options.settings };
    for (const region of options.regions) {
      this.#views.set(region.name, unprobedView());
    }
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  view(region: string): RegionView | undefined {
    return this.#views.get(region);
  }

  /** Probes every region once, now (the loop calls it each interval; tests may call it directly). */
  async probeAll(): Promise<void> {
    await Promise.all(this.#options.regions.map((region) => this.#probeOne(region)));
  }

  async #run(): Promise<void> {
    const { clock } = this.#options;
    while (!this.#stop.signal.aborted) {
      const started = clock.now();
      await this.probeAll();
      await clock.sleep(this.settings.probeIntervalMs - (clock.now() - started), this.#stop.signal);
    }
  }

  async #probeOne(region: MonitoredRegion): Promise<void> {
    const result = await this.#probeWithTimeout(region.url);
    if (this.#stop.signal.aborted) return;
    const view = this.#views.get(region.name);
    if (!view) return;
    const now = this.#options.clock.now();
    view.lastProbe = {
      at: new Date(now).toISOString(),
      ok: result.ok,
      reason: result.ok ? null : result.reason,
    };
    if (result.ok) {
      view.lastGood = { ...result.health, at: now };
      view.consecutiveSuccesses += 1;
      view.consecutiveFailures = 0;
      view.failingSince = null;
    } else {
      view.failingSince ??= now;
      view.consecutiveFailures += 1;
      view.consecutiveSuccesses = 0;
    }
    this.emit('probe', region.name, result);
    this.#judge(region.name, view);
  }

  #judge(region: string, view: RegionView): void {
    const { failureThreshold, recoveryThreshold } = this.settings;
    if (view.healthy && view.consecutiveFailures >= failureThreshold) {
      view.healthy = false;
      this.emit('flip', region, false);
    } else if (!view.healthy && view.consecutiveSuccesses >= recoveryThreshold) {
      view.healthy = true;
      this.emit('flip', region, true);
    }
  }

  /** The probe, cut off after probeTimeoutMs of the injected clock. */
  async #probeWithTimeout(url: string): Promise<ProbeResult> {
    const { probeTimeoutMs } = this.settings;
    const abort = new AbortController();
    const done = new AbortController();
    const timeout = this.#options.clock.sleep(probeTimeoutMs, done.signal).then(() => {
      if (!done.signal.aborted) abort.abort();
    });
    try {
      const result = await Promise.race([this.#options.probe(url, abort.signal), timeout]);
      // The probe may also answer (aborted) right after the timeout fired: the timeout is the reason.
      if (abort.signal.aborted || !result)
        return { ok: false, reason: `no answer within ${probeTimeoutMs} ms` };
      return result;
    } finally {
      done.abort();
    }
  }
}
