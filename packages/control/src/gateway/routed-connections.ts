import type { Socket } from 'node:net';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { RouteSource } from './route-source.ts';

/**
 * Relayed connections by the epoch they were routed under. When the route moves to another epoch
 * (failover, failback) the connections of every other epoch are closed: a client's keep-alive connection
 * must not go on reaching the region it was routed to before. Clients reconnect and are routed anew.
 */
export class RoutedConnections {
  readonly #source: RouteSource;
  readonly #metrics: GatewayMetrics;
  readonly #byEpoch = new Map<number, Set<Socket>>();
  readonly #onChange = () => this.#closeOtherEpochs(this.#source.decide().epoch);

  constructor(source: RouteSource, metrics: GatewayMetrics) {
    this.#source = source;
    this.#metrics = metrics;
    source.on('change', this.#onChange);
  }

  /** Tracks `client` under `epoch` until it closes. */
  add(epoch: number, client: Socket): void {
    // A change may have come while the region was being connected to: the route is already stale.
    if (epoch !== this.#source.decide().epoch) {
      client.destroy();
      this.#metrics.closedOnChange(1);
      return;
    }
    let sockets = this.#byEpoch.get(epoch);
    if (!sockets) {
      sockets = new Set();
      this.#byEpoch.set(epoch, sockets);
    }
    const set = sockets;
    set.add(client);
    client.once('close', () => {
      set.delete(client);
      if (set.size === 0 && this.#byEpoch.get(epoch) === set) this.#byEpoch.delete(epoch);
    });
  }

  /** How many relayed connections are open. */
  get size(): number {
    let size = 0;
    for (const sockets of this.#byEpoch.values()) size += sockets.size;
    return size;
  }

  close(): void {
    this.#source.off('change', this.#onChange);
  }

  #closeOtherEpochs(current: number): void {
    for (const [epoch, sockets] of this.#byEpoch) {
      if (epoch === current) continue;
      this.#byEpoch.delete(epoch);
      this.#metrics.closedOnChange(sockets.size);
      for (const socket of sockets) socket.destroy();
    }
  }
}
