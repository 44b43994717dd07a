import type { Clock, Timer } from '@vaultover/foundation';
import type { DeploymentApi } from './deployment-api.ts';

/** A control event as `GET /api/events` gives it. */
export interface ControlEvent {
  readonly id: string;
  readonly time: string;
  readonly kind: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** How often the control events are read while a run goes on. */
const POLL_MS = 200;

/**
 * Follows the control process's events from the moment it starts (older ones are not this run's):
 * transitions, health flips, faults, fault-rule changes, each handed to `onEvent` once, in order.
 */
export class EventFollower {
  readonly #api: DeploymentApi;
  readonly #clock: Clock;
  readonly #onEvent: (event: ControlEvent) => void;
  readonly #events: ControlEvent[] = [];
  #since: string | undefined;
  #timer: Timer | undefined;
  #reading: Promise<void> = Promise.resolve();

  constructor(api: DeploymentApi, clock: Clock, onEvent: (event: ControlEvent) => void) {
    this.#api = api;
    this.#clock = clock;
    this.#onEvent = onEvent;
  }

  /** Every event handed on so far. */
  get events(): readonly ControlEvent[] {
    return this.#events;
  }

  /** Skips the events there are now, then reads new ones every 200 ms. */
  async start(): Promise<void> {
    const { value } = (await this.#api.control('GET', '/api/events?limit=10000')) as {
      value: ControlEvent[];
    };
    this.#since = value.at(-1)?.id;
    this.#timer = this.#clock.setInterval(() => void this.read(), POLL_MS);
  }

  /** Reads what is new now (one read at a time). */
  read(): Promise<void> {
    this.#reading = this.#reading.then(async () => {
      const query = this.#since ? `?since=${this.#since}&limit=10000` : '?limit=10000';
      const { value } = (await this.#api.control('GET', `/api/events${query}`)) as { value: ControlEvent[] };
      for (const event of value) {
        this.#events.push(event);
        this.#since = event.id;
        this.#onEvent(event);
      }
    });
    // A read that fails (the control process restarting) is tried again at the next tick.
    return this.#reading.catch(() => {});
  }

  /** Reads once more, then stops. */
  async stop(): Promise<void> {
    this.#timer?.cancel();
    await this.read();
  }
}
