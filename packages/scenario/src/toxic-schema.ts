import { z } from 'zod';

// `toxic: { link, add: … }` carries a toxiproxy toxic as the link API takes it
// (docs/chaos.md#client-link-faults): each type with its own attributes, so a typo in an attribute
// fails `validate` instead of being ignored by the proxy.

export const TOXIC_TYPES = ['latency', 'bandwidth', 'blackhole', 'timeout', 'reset_peer'] as const;

const ms = z.number().int().min(0, { error: 'expected milliseconds, 0 or more' });
const common = {
  name: z.string().min(1).optional(),
  stream: z.enum(['upstream', 'downstream', 'both']).optional(),
  toxicity: z.number().min(0).max(1, { error: 'expected a chance from 0 to 1' }).optional(),
};

/** One toxic to add to a link. */
export const toxicSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('latency'),
      ...common,
      attributes: z.strictObject({ latency: ms.optional(), jitter: ms.optional() }).optional(),
    }),
    z.strictObject({
      type: z.literal('bandwidth'),
      ...common,
      attributes: z.strictObject({ rate: z.number().int().min(0).optional() }).optional(),
    }),
    z.strictObject({ type: z.literal('blackhole'), ...common, attributes: z.strictObject({}).optional() }),
    z.strictObject({
      type: z.literal('timeout'),
      ...common,
      attributes: z.strictObject({ timeout: ms.optional() }).optional(),
    }),
    z.strictObject({
      type: z.literal('reset_peer'),
      ...common,
      attributes: z.strictObject({ timeout: ms.optional() }).optional(),
    }),
  ],
  { error: `expected type: one of ${TOXIC_TYPES.join(', ')}` },
);
