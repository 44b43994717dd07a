import { BadToxicError } from './errors.ts';
import type { Stream, ToxicConfig } from './toxic.ts';
import { toxicDefinition } from './toxic-registry.ts';

const STREAMS: readonly Stream[] = ['upstream', 'downstream', 'both'];

/** toxiproxy's defaults: downstream, always applies, named `<type>_<stream>`. */
const DEFAULT_STREAM: Stream = 'downstream';
const DEFAULT_TOXICITY = 1;

/** The JSON a client sends to create a toxic; only `type` is required. */
export interface ToxicInput {
  name?: unknown;
  type?: unknown;
  stream?: unknown;
  toxicity?: unknown;
  attributes?: unknown;
}

/**
 * Validates a toxic and fills in defaults. With `existing`, it is an update: fields left out keep their
 * value, and `attributes` are merged into the existing ones (toxiproxy's PATCH semantics).
 */
export function parseToxicConfig(input: ToxicInput, existing?: ToxicConfig): ToxicConfig {
  const type = input.type ?? existing?.type;
  if (typeof type !== 'string') throw new BadToxicError('toxic needs a string "type"');
  if (existing && type !== existing.type) throw new BadToxicError('the type of a toxic cannot change');
  const definition = toxicDefinition(type);
  const stream = input.stream ?? existing?.stream ?? DEFAULT_STREAM;
  if (!STREAMS.includes(stream as Stream)) {
    throw new BadToxicError(`stream must be one of: ${STREAMS.join(', ')}`);
  }
  const toxicity = input.toxicity ?? existing?.toxicity ?? DEFAULT_TOXICITY;
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) {
    throw new BadToxicError('toxicity must be a number from 0 to 1');
  }
  const name = input.name ?? existing?.name ?? `${type}_${stream}`;
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new BadToxicError('toxic name must be a non-empty string without "/"');
  }
  const rawAttributes = input.attributes ?? {};
  if (typeof rawAttributes !== 'object' || rawAttributes === null || Array.isArray(rawAttributes)) {
    throw new BadToxicError('attributes must be an object');
  }
  const attributes = definition.parseAttributes({ ...existing?.attributes, ...rawAttributes });
  return { name, type, stream: stream as Stream, toxicity, attributes: { ...attributes } };
}
