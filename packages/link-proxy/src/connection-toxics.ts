import type { Duplex } from 'node:stream';
import type { Clock, Random } from '@vaultover/foundation';
import { type DirectionCounters, Link } from './link.ts';
import type { Direction, ToxicConfig, ToxicDefinition } from './toxic.ts';
import type { ToxicTarget } from './toxic-set.ts';

/** What the toxics of one connection need. */
export interface ConnectionToxicsOptions {
  clock: Clock;
  random: Random;
  /** Where the bytes each way are counted (shared by the link's connections). */
  counters: Record<Direction, DirectionCounters>;
  /** Closes the connection with a TCP RST (the client sees ECONNRESET): reset_peer and timeout call it. */
  reset: () => void;
}

interface Applied {
  readonly config: ToxicConfig;
  readonly definition: ToxicDefinition;
  readonly attributes: object;
}

/**
 * The toxics acting on one connection, and the two Links that carry its bytes through them. Which toxics
 * apply is decided once per connection (`toxicity`), when each toxic reaches it; the Links come later,
 * with `wire()`, once the connection's other side exists, and can be rewired to another one (the global
 * endpoint hands a client over from a region that did not answer to its own TLS server). Timers of a
 * toxic (reset_peer, timeout) start when it is wired.
 */
export class ConnectionToxics implements ToxicTarget {
  readonly #options: ConnectionToxicsOptions;
  readonly #applied = new Map<string, Applied>();
  #links: Record<Direction, Link> | null = null;

  constructor(options: ConnectionToxicsOptions) {
    this.#options = options;
  }

  /** Whether any toxic acts on this connection now. */
  get active(): boolean {
    return this.#applied.size > 0;
  }

  applyToxic(config: ToxicConfig, definition: ToxicDefinition, attributes: object): void {
    this.removeToxic(config.name);
    if (this.#options.random() >= config.toxicity) return;
    const applied = { config, definition, attributes };
    this.#applied.set(config.name, applied);
    if (this.#links) this.#install(applied, this.#links);
  }

  removeToxic(name: string): void {
    this.#applied.delete(name);
    this.#links?.upstream.removeStage(name);
    this.#links?.downstream.removeStage(name);
  }

  /**
   * Carries `client`'s bytes to `server` (upstream) and back (downstream) through the toxics, ends
   * included. Replaces an earlier wiring. `serverReads: 'handed'`: the server's chunks come through
   * {@link carryFromServer}, not its 'data' events.
   */
  wire(client: Duplex, server: Duplex, serverReads: 'data' | 'handed' = 'data'): void {
    this.unwire();
    const { counters } = this.#options;
    const links = {
      upstream: new Link(client, server, counters.upstream),
      downstream: new Link(server, client, counters.downstream, serverReads),
    };
    this.#links = links;
    for (const applied of this.#applied.values()) this.#install(applied, links);
  }

  /**
   * Carries a chunk the server side read into a buffer of its own (wired with `serverReads: 'handed'`):
   * see Link.carry. False: the server must not read into that buffer again until the link resumes it.
   */
  carryFromServer(view: Buffer): boolean {
    return this.#links?.downstream.carry(view) ?? true;
  }

  /** Stops carrying (held bytes are dropped, timers cancelled); the toxics stay applied for a rewiring. */
  unwire(): void {
    this.#links?.upstream.detach();
    this.#links?.downstream.detach();
    this.#links = null;
  }

  #install({ config, definition, attributes }: Applied, links: Record<Direction, Link>): void {
    const directions: Direction[] = config.stream === 'both' ? ['upstream', 'downstream'] : [config.stream];
    for (const direction of directions) {
      const stage = definition.createStage(attributes, {
        direction,
        clock: this.#options.clock,
        random: this.#options.random,
        resetConnection: this.#options.reset,
      });
      links[direction].setStage(config.name, stage);
    }
  }
}
