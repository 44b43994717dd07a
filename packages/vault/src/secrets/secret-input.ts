import { z } from 'zod';
import { intDate, optional, tags } from '../object-input.ts';

/** Largest secret value the real service accepts: 25 KB. */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;
export const MAX_CONTENT_TYPE_LENGTH = 255;

const attributes = optional(
  z.object({
    enabled: optional(z.boolean()),
    nbf: intDate,
    exp: intDate,
  }),
);

const contentType = optional(
  z.string().max(MAX_CONTENT_TYPE_LENGTH, `must be at most ${MAX_CONTENT_TYPE_LENGTH} characters`),
);

/** Body of `PUT /secrets/{name}`. */
export const secretSetInput = z.object({
  value: z
    .string({ error: 'is required and must be a string' })
    .refine(
      (v) => Buffer.byteLength(v) <= MAX_SECRET_VALUE_BYTES,
      `must be at most ${MAX_SECRET_VALUE_BYTES} bytes (25 KB)`,
    ),
  contentType,
  tags,
  attributes,
});
export type SecretSetInput = z.infer<typeof secretSetInput>;

/** Body of `PATCH /secrets/{name}/{version}`. */
export const secretUpdateInput = z.object({ contentType, tags, attributes });
export type SecretUpdateInput = z.infer<typeof secretUpdateInput>;
