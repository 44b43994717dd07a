import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { CONTROL_KEYS } from './control-keys.ts';
import type { RegionMode } from './region-mode.ts';

const TRANSITION = readFileSync(new URL('./lua/transition.lua', import.meta.url), 'utf8');

/** One move of the failover state, as the control process writes it and region nodes read it. */
export interface FailoverStateWrite {
  /** The epoch the writer last saw; null to write only when there is no state yet. */
  expectedEpoch: number | null;
  epoch: number;
  /** The one region allowed to accept writes, or null for nobody. */
  writer: string | null;
  /** The mode each region must serve in. */
  modes: Readonly<Record<string, RegionMode>>;
  /** The control process's own JSON record of its state machine; regions never read it. */
  state: string;
  /** The event recorded in the same step (`time` is ISO: it is read by people and other tools). */
  event: { time: string; kind: string; details: Record<string, unknown> };
  /** Approximate cap of the events stream. */
  eventsMaxLength: number;
}

/**
 * Writes the move by compare-and-set on the epoch, with its event and a notice on the changes channel,
 * in one step (lua/transition.lua): two control processes racing for one transition get one winner and
 * one event. False when the epoch was no longer the expected one.
 */
export async function writeFailoverState(redis: Redis, write: FailoverStateWrite): Promise<boolean> {
  const [moved] = (await redis.eval(
    TRANSITION,
    2,
    CONTROL_KEYS.failover,
    CONTROL_KEYS.events,
    write.expectedEpoch === null ? '' : String(write.expectedEpoch),
    String(write.epoch),
    write.writer ?? '',
    JSON.stringify(write.modes),
    write.state,
    write.event.time,
    write.event.kind,
    JSON.stringify(write.event.details),
    CONTROL_KEYS.changes,
    String(write.eventsMaxLength),
  )) as [number, string];
  return moved === 1;
}
