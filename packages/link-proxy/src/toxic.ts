import type { Clock, Random } from '@vaultover/foundation';

/** `upstream` is client→server, `downstream` is server→client (toxiproxy's words). */
export type Direction = 'upstream' | 'downstream';

/** Which directions a toxic applies to; `both` is this package's addition to toxiproxy's two. */
export type Stream = Direction | 'both';

/** What a toxic stage may use: the clock, the RNG, and a way to reset its connection. */
export interface ToxicContext {
  readonly direction: Direction;
  readonly clock: Clock;
  readonly random: Random;
  /** Closes both sockets of the connection with a TCP RST (the client sees ECONNRESET). */
  resetConnection(): void;
}

/**
 * The end of a direction's stream (the sender's clean close), as it travels the stages: an empty chunk.
 * Stages treat it as data (a latency toxic delays it, a blackhole swallows it) and never emit another
 * empty chunk.
 */
export const END_OF_STREAM: Buffer = Buffer.alloc(0);

/**
 * One toxic on one direction of one connection. Chunks pass through stages in toxic order; a stage
 * calls `next` zero times (swallow), once, or several times (split), now or later, but in order. The
 * last chunk may be {@link END_OF_STREAM}.
 */
export interface ToxicStage {
  push(chunk: Buffer, next: (chunk: Buffer) => void): void;
  /**
   * The toxic was removed or updated while the connection lives: hand held chunks to `next` now,
   * so that nothing is reordered, and cancel timers. Also called (with a no-op next) on close.
   */
  flush(next: (chunk: Buffer) => void): void;
}

/** A toxic type, registered by name: validates plain JSON attributes and makes per-connection stages. */
export interface ToxicDefinition<A extends object = object> {
  /** The `type` field of a toxic, e.g. 'latency'. */
  readonly type: string;
  /** Returns complete attributes (defaults filled in) or throws BadToxicError. */
  parseAttributes(input: Record<string, unknown>): A;
  createStage(attributes: A, context: ToxicContext): ToxicStage;
}

/** A toxic as the control API shows it (toxiproxy's JSON shape). */
export interface ToxicConfig {
  name: string;
  type: string;
  stream: Stream;
  /** Probability (0..1) that the toxic applies to a given connection. */
  toxicity: number;
  attributes: Record<string, unknown>;
}
