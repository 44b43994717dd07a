import type { Socket } from 'node:net';
import type { Timer } from '@vaultover/foundation';
import type { RouteDecision, RouteSource } from './route-source.ts';

interface Held {
  timer: Timer | undefined;
  release(decision: RouteDecision | undefined): void;
}

/**
 * Connections the `hang` failure mode holds. One `change` listener serves them all (a listener per
 * connection would trip the emitter's leak warning under load); each also wakes at its window's `until`,
 * re-armed on the source's clock.
 */
export class HeldConnections {
  readonly #source: RouteSource;
  readonly #held = new Set<Held>();
  readonly #onChange = () => {
    for (const held of this.#held) this.#check(held);
  };

  constructor(source: RouteSource) {
    this.#source = source;
    source.on('change', this.#onChange);
  }

  get size(): number {
    return this.#held.size;
  }

  /**
   * Holds until the source decides anything but a `hang` window, or the window's `until` has passed on
   * the source's clock (then the last decision, which may still say `hang`). Undefined when the client
   * closed the connection first (the caller reads ahead, so that a close is seen).
   */
  hold(socket: Socket, until: number): Promise<RouteDecision | undefined> {
    return new Promise((resolve) => {
      const held: Held = {
        timer: undefined,
        release: (decision) => {
          held.timer?.cancel();
          socket.off('close', onClose);
          this.#held.delete(held);
          resolve(decision);
        },
      };
      const onClose = () => held.release(undefined);
      socket.on('close', onClose);
      this.#held.add(held);
      this.#arm(held, until);
    });
  }

  /** Lets go of every held connection (the gateway is closing and destroys them). */
  close(): void {
    this.#source.off('change', this.#onChange);
    for (const held of this.#held) held.release(undefined);
  }

  #check(held: Held): void {
    const decision = this.#source.decide();
    if (decision.kind === 'fail' && decision.how === 'hang' && this.#source.clock.now() < decision.until) {
      this.#arm(held, decision.until);
      return;
    }
    held.release(decision);
  }

  #arm(held: Held, until: number): void {
    held.timer?.cancel();
    const clock = this.#source.clock;
    held.timer = clock.setTimeout(() => this.#check(held), Math.max(1, until - clock.now()));
  }
}
