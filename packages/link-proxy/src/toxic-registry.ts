import { BadToxicError } from './errors.ts';
import type { ToxicDefinition } from './toxic.ts';
import { bandwidthToxic } from './toxics/bandwidth.ts';
import { blackholeToxic } from './toxics/blackhole.ts';
import { latencyToxic } from './toxics/latency.ts';
import { resetPeerToxic } from './toxics/reset-peer.ts';
import { timeoutToxic } from './toxics/timeout.ts';

/** Toxic types by name, like toxiproxy's `toxics.Register`. */
const registry = new Map<string, ToxicDefinition>();

/** Registers a toxic type under its `type` name (replacing one of the same name). */
export function registerToxic<A extends object>(definition: ToxicDefinition<A>): void {
  registry.set(definition.type, definition as unknown as ToxicDefinition);
}

/** The toxic type of that name, or BadToxicError. */
export function toxicDefinition(type: string): ToxicDefinition {
  const definition = registry.get(type);
  if (!definition)
    throw new BadToxicError(`unknown toxic type '${type}' (known: ${[...registry.keys()].join(', ')})`);
  return definition;
}

for (const definition of [latencyToxic, bandwidthToxic, blackholeToxic, timeoutToxic, resetPeerToxic]) {
  registerToxic(definition);
}
